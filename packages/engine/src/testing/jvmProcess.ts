import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** JVM flags for a quick start (C1 JIT only, serial GC) at the cost of peak throughput: what a test wants. */
export const QUICK_START = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** log4j2 for a test JVM: warnings and errors only, to the console, which goes to the log file. */
const LOG4J = [
  'rootLogger.level=WARN',
  'rootLogger.appenderRef.out.ref=out',
  'appender.out.type=Console',
  'appender.out.name=out',
  'appender.out.layout.type=PatternLayout',
  'appender.out.layout.pattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

/** The end of a log file (what a failed start shows), or '' if there is none yet. */
export function tail(file: string, chars = 4000): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '';
  }
}

export interface JvmWorkDir {
  /** A fresh temp folder: the JVM's working directory. */
  dir: string;
  /** Where the JVM's output goes (appended). */
  logFile: string;
  /** The -D flag that points log4j2 at the folder's WARN-level configuration. */
  log4jFlag: string;
}

/** A fresh temp folder for one JVM, with its log4j2 configuration written into it. */
export function jvmWorkDir(prefix: string, logName: string): JvmWorkDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const config = path.join(dir, 'log4j2.properties');
  writeFileSync(config, LOG4J);
  return { dir, logFile: path.join(dir, logName), log4jFlag: `-Dlog4j2.configurationFile=${config}` };
}

export interface JvmProcess {
  readonly pid: number;
  /** The exit code or signal once the JVM has exited (or why it could not start); undefined while it runs. */
  readonly exited: string | undefined;
  /** Resolves with the exit code or signal once the JVM has exited. */
  exit(): Promise<string>;
  /** Kills the JVM by PID (SIGKILL: a test's data is thrown away, nothing to shut down cleanly) and waits for it. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHook = false;

/**
 * Runs `java` with `args` in `cwd`, its output appended to `logFile`. The JVM dies with this process: setpriv's
 * --pdeathsig where there is one (Linux; also when the test runner is killed), and an exit hook otherwise.
 */
export function startJava(args: readonly string[], cwd: string, logFile: string): JvmProcess {
  const fd = openSync(logFile, 'a');
  const [cmd, cmdArgs] = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', 'java', ...args]] : ['java', [...args]];
  const child = spawn(cmd, cmdArgs, { cwd, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  running.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));
  }
  let exited: string | undefined;
  const exit = new Promise<string>((resolve) => {
    const done = (why: string) => {
      exited ??= why;
      running.delete(child);
      resolve(exited);
    };
    child.once('exit', (code, signal) => done(String(signal ?? code)));
    child.once('error', (e) => done(e.message));
  });
  return {
    pid: child.pid ?? -1,
    get exited() {
      return exited;
    },
    exit: () => exit,
    async kill() {
      if (exited === undefined) child.kill('SIGKILL');
      await exit;
    },
  };
}
