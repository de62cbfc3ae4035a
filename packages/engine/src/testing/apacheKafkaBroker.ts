import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from './freePort.js';
import { jvmWorkDir, QUICK_START, startJava, tail, type JvmProcess, type JvmWorkDir } from './jvmProcess.js';
import { ensureKafkaJars } from './kafkaJars.js';

export interface ApacheKafkaBroker {
  /** host:port of the broker's PLAINTEXT listener on 127.0.0.1. */
  bootstrap: string;
  /** The broker JVM's process id. */
  pid: number;
  /** Kills the broker (by PID), waits for it to exit and removes its log dirs. */
  stop(): Promise<void>;
}

export interface ApacheKafkaBrokerOptions {
  /** Partitions of auto-created topics (num.partitions). Default 3. */
  partitions?: number;
  /** JVM heap (-Xmx), in MB. Default 512. */
  heapMb?: number;
  /** From the JVM's start until the broker answers Metadata. Default 60 s (it takes ~5 s on an idle machine). */
  startTimeoutMs?: number;
  /** JVM flags for a quick start (C1 JIT only) at the cost of peak throughput; false for benches. Default true. */
  quickStart?: boolean;
}

const JVM_FLAGS = ['-Xss512k', '-Djava.awt.headless=true'];

/** A Kafka cluster id: 16 random bytes, base64url without padding, not starting with '-' (as Kafka's Uuid). */
export function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** One KRaft node of a cluster: broker and controller in one JVM. */
export interface KafkaNodeSpec {
  nodeId: number;
  port: number;
  controllerPort: number;
}

/**
 * server.properties of one node. A single node bootstraps its quorum itself (`format --standalone`); the nodes of a
 * cluster list every controller as a static voter, and internal topics get 3 replicas (min ISR 2) as in production.
 */
export function serverProperties(dir: string, node: KafkaNodeSpec, partitions: number, cluster: KafkaNodeSpec[] = [node]): string {
  const single = cluster.length === 1;
  const replicas = Math.min(3, cluster.length);
  const minIsr = Math.max(1, replicas - 1);
  return [
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    single
      ? `controller.quorum.bootstrap.servers=127.0.0.1:${node.controllerPort}`
      : `controller.quorum.voters=${cluster.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${path.join(dir, 'data')}`,
    `num.partitions=${partitions}`,
    `default.replication.factor=${replicas}`,
    // One node: every internal topic has one replica. A consumer group forms without the 3 s wait for joiners.
    `offsets.topic.replication.factor=${replicas}`,
    'offsets.topic.num.partitions=1',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minIsr}`,
    'transaction.state.log.num.partitions=1',
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    // Tests and benches write records with event times of 2023: time-based retention would delete them mid-run.
    'log.retention.ms=-1',
    '',
  ].join('\n');
}

/** Runs a Kafka main class with the jars on the class path, in the broker's folder. */
export function java(jars: string, work: JvmWorkDir, jvmFlags: string[], main: string, args: string[]): JvmProcess {
  return startJava([...jvmFlags, ...JVM_FLAGS, work.log4jFlag, `-Dkafka.logs.dir=${work.dir}`, '-cp', `${jars}/*`, main, ...args], work.dir, work.logFile);
}

/** Resolves when the broker answers a Metadata request; rejects if the JVM exits first or the time runs out. */
export async function untilReady(bootstrap: string, jvm: JvmProcess, deadline: number, brokers = 1): Promise<void> {
  const kafka = new Kafka({ clientId: 'flowbook-broker-probe', brokers: [bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
  for (;;) {
    if (jvm.exited !== undefined) throw new Error(`the broker exited (${jvm.exited}) before it was ready`);
    if (Date.now() > deadline) throw new Error('the broker did not answer Metadata in time');
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length >= brokers && cluster.controller !== null) return;
    } catch {
      // not listening yet
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts a real Apache Kafka 4.x broker for tests and benches: one KRaft node (broker and controller in one JVM) on
 * free ports of 127.0.0.1, its log dirs in a fresh temp folder. The jars come from Maven Central on first use (see
 * kafkaJars.ts). Unlike librdkafka's mock cluster (kafkaBroker.ts), it runs transactions, idempotent producers,
 * admin requests and the real group coordinator.
 */
export async function startApacheKafkaBroker(options: ApacheKafkaBrokerOptions = {}): Promise<ApacheKafkaBroker> {
  const jars = await ensureKafkaJars();
  const heapMb = options.heapMb ?? 512;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let lastError: Error | undefined;
  // Free ports are picked then released: another process may take one in between, so try again with new ones.
  for (let attempt = 0; attempt < 3; attempt++) {
    const work = jvmWorkDir('flowbook-kafka-', 'broker.log');
    const { dir, logFile } = work;
    const [port, controllerPort] = [await freePort(), await freePort()];
    const bootstrap = `127.0.0.1:${port}`;
    writeFileSync(path.join(dir, 'server.properties'), serverProperties(dir, { nodeId: 1, port, controllerPort }, options.partitions ?? 3));
    const deadline = Date.now() + startTimeoutMs;
    let broker: JvmProcess | undefined;
    try {
      const format = java(jars, work, ['-Xmx256m', ...QUICK_START], 'kafka.tools.StorageTool', ['format', '--standalone', '-t', clusterId(), '-c', 'server.properties']);
      const formatted = await format.exit();
      if (formatted !== '0') throw new Error(`kafka-storage format failed (${formatted})`);
      broker = java(jars, work, [`-Xmx${heapMb}m`, ...(options.quickStart === false ? [] : QUICK_START)], 'kafka.Kafka', ['server.properties']);
      await untilReady(bootstrap, broker, deadline);
    } catch (e) {
      const log = tail(logFile, 3000);
      await broker?.kill();
      rmSync(dir, { recursive: true, force: true });
      lastError = new Error(`Apache Kafka did not start: ${(e as Error).message}\n${log}`);
      if (/BindException|Address already in use/.test(log)) continue;
      throw lastError;
    }
    const jvm = broker;
    return {
      bootstrap,
      pid: jvm.pid,
      async stop() {
        await jvm.kill();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw lastError!;
}
