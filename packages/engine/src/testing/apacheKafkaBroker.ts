import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
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
const QUICK_START = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A Kafka cluster id: 16 random bytes, base64url without padding, not starting with '-' (as Kafka's Uuid). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(dir: string, port: number, controllerPort: number, partitions: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${path.join(dir, 'data')}`,
    `num.partitions=${partitions}`,
    // One node: every internal topic has one replica, and a consumer group forms without the 3 s wait for joiners.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    // Tests and benches write records with event times of 2023: time-based retention would delete them mid-run.
    'log.retention.ms=-1',
    '',
  ].join('\n');
}

const LOG4J = [
  'rootLogger.level=WARN',
  'rootLogger.appenderRef.out.ref=out',
  'appender.out.type=Console',
  'appender.out.name=out',
  'appender.out.layout.type=PatternLayout',
  'appender.out.layout.pattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

/** Runs java with the jars on the class path; with the output to `logFile`; killed if this process dies (Linux). */
function java(jars: string, dir: string, jvmFlags: string[], main: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  const jvm = [
    ...jvmFlags,
    ...JVM_FLAGS,
    `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${dir}`,
    '-cp',
    `${jars}/*`,
    main,
    ...args,
  ];
  // setpriv --pdeathsig: the JVM gets SIGKILL when the test process that started it dies, so no broker outlives a
  // killed test run.
  const [cmd, cmdArgs] = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', 'java', ...jvm]] : ['java', jvm];
  const child = spawn(cmd, cmdArgs, { cwd: dir, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return child;
}

function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(String(child.signalCode ?? child.exitCode));
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(String(signal ?? code)));
    child.once('error', (e) => resolve(e.message));
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-3000);
  } catch {
    return '';
  }
}

/** Resolves when the broker answers a Metadata request; rejects if the JVM exits first or the time runs out. */
async function untilReady(bootstrap: string, child: ChildProcess, deadline: number): Promise<void> {
  let exited: string | undefined;
  void exitOf(child).then((e) => (exited = e));
  const kafka = new Kafka({ clientId: 'flowbook-broker-probe', brokers: [bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
  for (;;) {
    if (exited !== undefined) throw new Error(`the broker exited (${exited}) before it was ready`);
    if (Date.now() > deadline) throw new Error('the broker did not answer Metadata in time');
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch {
      // not listening yet
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const running = new Set<ChildProcess>();
let exitHook = false;

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
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-kafka-'));
    const logFile = path.join(dir, 'broker.log');
    const [port, controllerPort] = [await freePort(), await freePort()];
    const bootstrap = `127.0.0.1:${port}`;
    writeFileSync(path.join(dir, 'server.properties'), serverProperties(dir, port, controllerPort, options.partitions ?? 3));
    writeFileSync(path.join(dir, 'log4j2.properties'), LOG4J);
    const deadline = Date.now() + startTimeoutMs;
    let child: ChildProcess | undefined;
    try {
      const format = java(jars, dir, ['-Xmx256m', ...QUICK_START], 'kafka.tools.StorageTool', ['format', '--standalone', '-t', clusterId(), '-c', 'server.properties'], logFile);
      const formatted = await exitOf(format);
      if (formatted !== '0') throw new Error(`kafka-storage format failed (${formatted})`);
      child = java(jars, dir, [`-Xmx${heapMb}m`, ...(options.quickStart === false ? [] : QUICK_START)], 'kafka.Kafka', ['server.properties'], logFile);
      running.add(child);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const c of running) c.kill('SIGKILL');
        });
      }
      await untilReady(bootstrap, child, deadline);
    } catch (e) {
      const log = tail(logFile);
      if (child) {
        child.kill('SIGKILL');
        await exitOf(child);
        running.delete(child);
      }
      rmSync(dir, { recursive: true, force: true });
      lastError = new Error(`Apache Kafka did not start: ${(e as Error).message}\n${log}`);
      if (/BindException|Address already in use/.test(log)) continue;
      throw lastError;
    }
    const broker = child;
    return {
      bootstrap,
      pid: broker.pid!,
      async stop() {
        // The broker's data is thrown away, so there is nothing to shut down cleanly.
        broker.kill('SIGKILL');
        await exitOf(broker);
        running.delete(broker);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw lastError!;
}
