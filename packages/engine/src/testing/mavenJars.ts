import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const MARKER = '.complete';

/** Jars that a test fetches from Maven Central: a folder with a pom.xml naming its version as `<name.version>`. */
export interface MavenJars {
  /** 'kafka' or 'flink': the version tag, the cache folder (~/.cache/flowbook/<name>) and $FLOWBOOK_<NAME>_CACHE. */
  name: string;
  /** The folder holding pom.xml. */
  pomDir: string;
  /** A jar file name prefix the fetch must bring, or it failed (e.g. 'kafka_2.13-'). */
  mustHave: string;
}

/** Where the jars of one version are cached: ~/.cache/flowbook/<name>/<version>, or $FLOWBOOK_<NAME>_CACHE/<version>. */
export function jarsDir(name: string, version: string): string {
  const root = process.env[`FLOWBOOK_${name.toUpperCase()}_CACHE`] ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'flowbook', name);
  return path.join(root, version);
}

/** The `<name.version>` property of a pom. */
export function pomVersion(name: string, pomXml: string): string {
  const m = new RegExp(`<${name}\\.version>([^<]+)</${name}\\.version>`).exec(pomXml);
  if (!m) throw new Error(`scripts/${name}/pom.xml has no <${name}.version>`);
  return m[1]!.trim();
}

/** Runs a command to its end; rejects with the last 8 kB of its output. */
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
 * The directory holding a pom's runtime jars, fetched from Maven Central by `mvn dependency:copy-dependencies` on first
 * use and cached, so later runs are offline and take no time. Concurrent callers (vitest runs test files in parallel
 * processes) each fetch into their own folder and rename it into place; the first rename wins.
 */
export async function ensureMavenJars(jars: MavenJars): Promise<string> {
  const version = pomVersion(jars.name, readFileSync(path.join(jars.pomDir, 'pom.xml'), 'utf8'));
  const dir = jarsDir(jars.name, version);
  if (existsSync(path.join(dir, MARKER))) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`], jars.pomDir);
    const fetched = readdirSync(tmp).filter((f) => f.endsWith('.jar'));
    if (!fetched.some((j) => j.startsWith(jars.mustHave))) throw new Error(`mvn fetched no ${jars.mustHave}* jar into ${tmp}`);
    writeFileSync(path.join(tmp, MARKER), fetched.join('\n') + '\n');
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // The folder only ever appears complete (by this rename): if it exists, another process won the race.
      if (!existsSync(path.join(dir, MARKER))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
