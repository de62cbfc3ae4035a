import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const KCAT = '/usr/bin/kcat';
const INSTALL = 'apt-get update && apt-get install -y kcat';

export interface KafkaTestBroker {
  /** host:port of each mock broker. */
  brokers: string[];
  /** Kills the broker process (by PID) and waits for it to exit. */
  stop(): Promise<void>;
}

/** kcat may be being installed while the tests start: retry `which kcat` for a while before giving up. */
async function findKcat(waitMs: number): Promise<string | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (existsSync(KCAT)) return KCAT;
    const which = spawnSync('which', ['kcat'], { encoding: 'utf8' });
    if (which.status === 0 && which.stdout.trim() !== '') return which.stdout.trim();
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Starts a real Kafka wire-protocol broker for tests: librdkafka's mock cluster (3 brokers), hosted by a kcat consumer
 * that serves until it is killed. Topics are auto-created with 4 partitions on first use. The mock supports plain
 * producers, consumer groups and offset commits; admin.createTopics, idempotent and transactional producers fail on it.
 */
export async function startKafkaBroker(options: { waitForKcatMs?: number; startTimeoutMs?: number } = {}): Promise<KafkaTestBroker> {
  const kcat = await findKcat(options.waitForKcatMs ?? 30_000);
  if (kcat === undefined) throw new Error(`kcat is not installed (needed for the Kafka mock broker): run \`${INSTALL}\``);
  const child = spawn(kcat, ['-b', 'localhost:1', '-X', 'test.mock.num.brokers=3', '-d', 'mock', '-C', '-t', 'warmup'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const brokers = await new Promise<string[]>((resolve, reject) => {
    let log = '';
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error(`kcat mock broker did not report bootstrap.servers within ${startTimeoutMs} ms:\n${log.slice(-2000)}`)), startTimeoutMs);
    child.stderr.setEncoding('utf8');
    const onData = (chunk: string) => {
      log += chunk;
      const m = /bootstrap\.servers=(\S+)/.exec(log);
      if (!m || settled) return;
      settled = true;
      clearTimeout(timer);
      // With `-d mock` kcat logs every request on stderr for as long as it runs: keep draining it (and drop it), or
      // the pipe fills up and the broker blocks.
      child.stderr.off('data', onData);
      child.stderr.resume();
      resolve(m[1]!.split(','));
    };
    child.stderr.on('data', onData);
    child.once('error', (e) => fail(e));
    child.once('exit', (code, signal) => fail(new Error(`kcat mock broker exited (${signal ?? code}) before it started:\n${log.slice(-2000)}`)));
  });
  const pid = child.pid!;
  return {
    brokers,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return; // already gone
      }
      const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
      if (!killed) {
        process.kill(pid, 'SIGKILL');
        await exited;
      }
    },
  };
}
