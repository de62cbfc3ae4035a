#!/usr/bin/env node
// A real Apache Flink 2.x cluster (MiniCluster) with a SQL Gateway, for trying things by hand; jars from Maven Central.
//   node scripts/flink/gateway.mjs          start it, print the gateway URL, stop it on Ctrl-C
//   node scripts/flink/gateway.mjs --fetch  only fetch and cache the jars (what `npm test` does before the tests)
// Tests start it with startApacheFlinkGateway() from packages/engine/src/testing/apacheFlinkGateway.ts.
import { register } from 'tsx/esm/api';

register();
const testing = '../../packages/engine/src/testing/';
if (process.argv.includes('--fetch')) {
  const { ensureFlinkJars } = await import(`${testing}flinkJars.ts`);
  const started = Date.now();
  const dir = await ensureFlinkJars();
  console.log(`Apache Flink jars in ${dir} (${Date.now() - started} ms)`);
} else {
  const { startApacheFlinkGateway } = await import(`${testing}apacheFlinkGateway.ts`);
  const started = Date.now();
  const gw = await startApacheFlinkGateway();
  console.log(`Flink SQL Gateway at ${gw.url}, Flink REST at ${gw.flinkRest} (pid ${gw.pid}, started in ${Date.now() - started} ms); Ctrl-C stops it`);
  console.log(`FLOWBOOK_FLINK_SQL_GATEWAY=${gw.url} npm start`);
  const stop = () => void gw.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
