#!/usr/bin/env node
// A real Apache Kafka 4.x broker (one KRaft node) for trying things by hand, fetched from Maven Central on first use.
//   node scripts/kafka/broker.mjs          start it, print its bootstrap address, stop it on Ctrl-C
//   node scripts/kafka/broker.mjs --fetch  only fetch and cache the jars (what `npm test` does before the tests)
//   node scripts/kafka/broker.mjs --nodes 3  a cluster of three KRaft nodes (as the scale-out test starts)
// Tests and benches start it with startApacheKafkaBroker() from packages/engine/src/testing/apacheKafkaBroker.ts.
import { register } from 'tsx/esm/api';

register();
const testing = '../../packages/engine/src/testing/';
if (process.argv.includes('--fetch')) {
  const { ensureKafkaJars } = await import(`${testing}kafkaJars.ts`);
  const started = Date.now();
  const dir = await ensureKafkaJars();
  console.log(`Apache Kafka jars in ${dir} (${Date.now() - started} ms)`);
} else if (process.argv.includes('--nodes')) {
  const { startApacheKafkaCluster } = await import(`${testing}apacheKafkaCluster.ts`);
  const nodes = Number(process.argv[process.argv.indexOf('--nodes') + 1]);
  const started = Date.now();
  const cluster = await startApacheKafkaCluster({ nodes });
  console.log(`Apache Kafka cluster at ${cluster.bootstrap} (pids ${cluster.pids.join(', ')}, started in ${Date.now() - started} ms); Ctrl-C stops it`);
  const stop = () => void cluster.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  const { startApacheKafkaBroker } = await import(`${testing}apacheKafkaBroker.ts`);
  const started = Date.now();
  const broker = await startApacheKafkaBroker();
  console.log(`Apache Kafka at ${broker.bootstrap} (pid ${broker.pid}, started in ${Date.now() - started} ms); Ctrl-C stops it`);
  const stop = () => void broker.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
