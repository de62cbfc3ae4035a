import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clusterId, java, serverProperties, untilReady, type KafkaNodeSpec } from './apacheKafkaBroker.js';
import { freePort } from './freePort.js';
import { jvmWorkDir, QUICK_START, tail, type JvmProcess, type JvmWorkDir } from './jvmProcess.js';
import { ensureKafkaJars } from './kafkaJars.js';

export interface ApacheKafkaCluster {
  /** host:port of every broker, comma-separated. */
  bootstrap: string;
  /** Each node's JVM process id. */
  pids: number[];
  /** Kills every node, waits for them to exit and removes their log dirs. */
  stop(): Promise<void>;
}

export interface ApacheKafkaClusterOptions {
  /** KRaft nodes, each broker and controller in one JVM. Default 3. */
  nodes?: number;
  /** Partitions of auto-created topics. Default 4. */
  partitions?: number;
  /** JVM heap per node, in MB. Default 320. */
  heapMb?: number;
  /** Until every broker is registered and a controller is elected. Default 120 s. */
  startTimeoutMs?: number;
}

/**
 * A real Apache Kafka 4.x cluster of KRaft nodes on 127.0.0.1 (default 3: a static controller quorum of three voters,
 * internal topics with 3 replicas), for tests of what only a cluster has: group rebalances across brokers, replicated
 * transaction and offsets logs. Every node is formatted with one cluster id and started at once.
 */
export async function startApacheKafkaCluster(options: ApacheKafkaClusterOptions = {}): Promise<ApacheKafkaCluster> {
  const jars = await ensureKafkaJars();
  const count = options.nodes ?? 3;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  const specs: KafkaNodeSpec[] = [];
  for (let i = 0; i < count; i++) specs.push({ nodeId: i + 1, port: await freePort(), controllerPort: await freePort() });
  const id = clusterId();
  const works: JvmWorkDir[] = specs.map(() => jvmWorkDir('flowbook-kafka-cluster-', 'broker.log'));
  const jvms: JvmProcess[] = [];
  const cleanup = async () => {
    await Promise.all(jvms.map((j) => j.kill()));
    for (const w of works) rmSync(w.dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      specs.map(async (spec, i) => {
        const work = works[i]!;
        writeFileSync(path.join(work.dir, 'server.properties'), serverProperties(work.dir, spec, options.partitions ?? 4, specs));
        const formatted = await java(jars, work, ['-Xmx256m', ...QUICK_START], 'kafka.tools.StorageTool', ['format', '-t', id, '-c', 'server.properties']).exit();
        if (formatted !== '0') throw new Error(`kafka-storage format of node ${spec.nodeId} failed (${formatted})`);
      }),
    );
    for (const work of works) jvms.push(java(jars, work, [`-Xmx${options.heapMb ?? 320}m`, ...QUICK_START], 'kafka.Kafka', ['server.properties']));
    const bootstrap = specs.map((s) => `127.0.0.1:${s.port}`).join(',');
    await Promise.all(specs.map((s, i) => untilReady(`127.0.0.1:${s.port}`, jvms[i]!, deadline, count)));
    return { bootstrap, pids: jvms.map((j) => j.pid), stop: cleanup };
  } catch (e) {
    const logs = works.map((w, i) => `node ${i + 1}: ${tail(w.logFile, 1500)}`).join('\n');
    await cleanup();
    throw new Error(`the Apache Kafka cluster did not start: ${(e as Error).message}\n${logs}`);
  }
}
