import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureFlinkJars, FLINK_SCRIPTS, run } from './flinkJars.js';

export interface ApacheFlinkGateway {
  /** The SQL Gateway's REST endpoint, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The Flink cluster's (MiniCluster's) REST endpoint, where the gateway submits jobs. */
  flinkRest: string;
  pid: number;
  /** Kills the JVM (by PID) and removes its temp folder. */
  stop(): Promise<void>;
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

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}

const running = new Set<ChildProcess>();

/**
 * Starts a real Apache Flink 2.x cluster (a MiniCluster with its REST endpoint) and a SQL Gateway against it, in one
 * JVM (scripts/flink/FlinkGateway.java, compiled here with javac), on free ports of 127.0.0.1. The jars come from
 * Maven Central on first use (flinkJars.ts). Rejects with the JVM's log when it does not come up.
 */
export async function startApacheFlinkGateway(options: { startTimeoutMs?: number; heapMb?: number; slots?: number } = {}): Promise<ApacheFlinkGateway> {
  const jars = await ensureFlinkJars();
  const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-flink-'));
  const logFile = path.join(dir, 'flink.log');
  writeFileSync(path.join(dir, 'log4j2.properties'), LOG4J);
  await run('javac', ['-cp', `${jars}/*`, '-d', dir, path.join(FLINK_SCRIPTS, 'FlinkGateway.java')], dir);
  const port = await freePort();
  const jvm = [
    `-Xmx${options.heapMb ?? 768}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`,
    `-Djava.io.tmpdir=${dir}`,
    '-cp',
    `${jars}/*:${dir}`,
    'FlinkGateway',
    String(port),
    String(options.slots ?? 4),
  ];
  const fd = openSync(logFile, 'a');
  // setpriv --pdeathsig: the JVM dies with the test process that started it.
  const [cmd, args] = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', 'java', ...jvm]] : ['java', jvm];
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  running.add(child);
  if (running.size === 1) process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = String(signal ?? code)));
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    const log = tail(logFile);
    const gw = /^SQL_GATEWAY=(\S+)$/m.exec(log);
    const rest = /^FLINK_REST=(\S+)$/m.exec(log);
    if (gw && rest) {
      try {
        const info = await fetch(`${gw[1]}/v2/info`);
        if (info.ok) return { url: gw[1]!, flinkRest: rest[1]!, pid: child.pid!, stop };
      } catch {
        // not listening yet
      }
    }
    if (exited !== undefined || Date.now() > deadline) {
      await stop();
      throw new Error(`Apache Flink and its SQL Gateway did not start (${exited !== undefined ? `the JVM exited: ${exited}` : 'timeout'}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
