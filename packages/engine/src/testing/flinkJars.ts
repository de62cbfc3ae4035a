import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** scripts/flink/: pom.xml (the Apache Flink version and jars) and FlinkGateway.java (MiniCluster + SQL Gateway). */
export const FLINK_SCRIPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../scripts/flink');

const MARKER = '.complete';

/** Where the jars are cached: ~/.cache/flowbook/flink/<version>, or $FLOWBOOK_FLINK_CACHE/<version>. */
export function flinkJarsDir(version: string): string {
  const root = process.env.FLOWBOOK_FLINK_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'flowbook', 'flink');
  return path.join(root, version);
}

export function flinkVersion(pomXml: string): string {
  const m = /<flink\.version>([^<]+)<\/flink\.version>/.exec(pomXml);
  if (!m) throw new Error('scripts/flink/pom.xml has no <flink.version>');
  return m[1]!.trim();
}

export function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (c: Buffer) => {
      log = (log + c.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (e) =>
      reject(new Error(`cannot run ${cmd} (${(e as Error).message}): install Maven and a JDK 17+ (Debian: apt-get install -y maven openjdk-17-jdk-headless)`)),
    );
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? code}):\n${log}`))));
  });
}

/**
 * The directory holding Apache Flink's jars (flink-sql-gateway, the planner, runtime, clients, connectors and
 * formats), fetched from Maven Central by `mvn dependency:copy-dependencies` on first use and cached; concurrent
 * callers fetch into their own folder and rename it into place (the first rename wins), as for Kafka's jars.
 */
export async function ensureFlinkJars(): Promise<string> {
  const version = flinkVersion(readFileSync(path.join(FLINK_SCRIPTS, 'pom.xml'), 'utf8'));
  const dir = flinkJarsDir(version);
  if (existsSync(path.join(dir, MARKER))) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`], FLINK_SCRIPTS);
    const jars = readdirSync(tmp).filter((f) => f.endsWith('.jar'));
    if (!jars.some((j) => j.startsWith('flink-sql-gateway-'))) throw new Error(`mvn fetched no flink-sql-gateway jar into ${tmp}`);
    writeFileSync(path.join(tmp, MARKER), jars.join('\n') + '\n');
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(path.join(dir, MARKER))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
