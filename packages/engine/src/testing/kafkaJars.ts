import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** scripts/kafka/pom.xml: the Apache Kafka version and the jars the broker needs (kafka_2.13 and its runtime deps). */
export const KAFKA_POM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../scripts/kafka/pom.xml');

const MARKER = '.complete';

/** Where the jars of one pom are cached: ~/.cache/flowbook/kafka/<version>, or $FLOWBOOK_KAFKA_CACHE/<version>. */
export function kafkaJarsDir(version: string): string {
  const root = process.env.FLOWBOOK_KAFKA_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'flowbook', 'kafka');
  return path.join(root, version);
}

export function kafkaVersion(pomXml: string): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pomXml);
  if (!m) throw new Error('scripts/kafka/pom.xml has no <kafka.version>');
  return m[1]!.trim();
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
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
 * The directory holding Apache Kafka's broker jars, fetched from Maven Central by `mvn dependency:copy-dependencies`
 * on first use and cached, so later runs are offline and take no time. Concurrent callers (vitest runs test files in
 * parallel processes) each fetch into their own folder and rename it into place; the first rename wins.
 */
export async function ensureKafkaJars(): Promise<string> {
  const version = kafkaVersion(readFileSync(KAFKA_POM, 'utf8'));
  const dir = kafkaJarsDir(version);
  if (existsSync(path.join(dir, MARKER))) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`], path.dirname(KAFKA_POM));
    const jars = readdirSync(tmp).filter((f) => f.endsWith('.jar'));
    if (!jars.some((j) => j.startsWith('kafka_2.13-'))) throw new Error(`mvn fetched no kafka_2.13 jar into ${tmp}`);
    writeFileSync(path.join(tmp, MARKER), jars.join('\n') + '\n');
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
