import { rmSync } from 'node:fs';
import path from 'node:path';
import { ensureFlinkJars, FLINK_SCRIPTS, run } from './flinkJars.js';
import { freePort } from './freePort.js';
import { jvmWorkDir, QUICK_START, startJava, tail } from './jvmProcess.js';

export interface ApacheFlinkGateway {
  /** The SQL Gateway's REST endpoint, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The Flink cluster's (MiniCluster's) REST endpoint, where the gateway submits jobs. */
  flinkRest: string;
  pid: number;
  /** Kills the JVM (by PID) and removes its temp folder. */
  stop(): Promise<void>;
}

/**
 * Starts a real Apache Flink 2.x cluster (a MiniCluster with its REST endpoint) and a SQL Gateway against it, in one
 * JVM (scripts/flink/FlinkGateway.java, compiled here with javac), on free ports of 127.0.0.1. The jars come from
 * Maven Central on first use (flinkJars.ts). Rejects with the JVM's log when it does not come up.
 */
export async function startApacheFlinkGateway(options: { startTimeoutMs?: number; heapMb?: number; slots?: number } = {}): Promise<ApacheFlinkGateway> {
  const jars = await ensureFlinkJars();
  const { dir, logFile, log4jFlag } = jvmWorkDir('flowbook-flink-', 'flink.log');
  try {
    await run('javac', ['-cp', `${jars}/*`, '-d', dir, path.join(FLINK_SCRIPTS, 'FlinkGateway.java')], dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = await freePort();
  const jvm = startJava(
    [`-Xmx${options.heapMb ?? 768}m`, ...QUICK_START, '-Djava.awt.headless=true', log4jFlag, `-Djava.io.tmpdir=${dir}`, '-cp', `${jars}/*:${dir}`, 'FlinkGateway', String(port), String(options.slots ?? 4)],
    dir,
    logFile,
  );
  const stop = async () => {
    await jvm.kill();
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
        if (info.ok) return { url: gw[1]!, flinkRest: rest[1]!, pid: jvm.pid, stop };
      } catch {
        // not listening yet
      }
    }
    if (jvm.exited !== undefined || Date.now() > deadline) {
      const exited = jvm.exited;
      await stop();
      throw new Error(`Apache Flink and its SQL Gateway did not start (${exited !== undefined ? `the JVM exited: ${exited}` : 'timeout'}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
