import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureMavenJars } from './mavenJars.js';

export { run } from './mavenJars.js';

/** scripts/flink/: pom.xml (the Apache Flink version and jars) and FlinkGateway.java (MiniCluster + SQL Gateway). */
export const FLINK_SCRIPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../scripts/flink');

/**
 * The directory holding Apache Flink's jars (flink-sql-gateway, the planner, runtime, clients, connectors and
 * formats), fetched from Maven Central once and cached (mavenJars.ts).
 */
export function ensureFlinkJars(): Promise<string> {
  return ensureMavenJars({ name: 'flink', pomDir: FLINK_SCRIPTS, mustHave: 'flink-sql-gateway-' });
}
