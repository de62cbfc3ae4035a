// Test prerequisites from Debian: Chromium (browser tests),
// a JDK with Maven (Apache Kafka's own broker, fetched from Maven Central by scripts/kafka), and promtool.
// Installed when running as root; otherwise the exact command to run is printed.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function ensureSystemDeps() {
  const missing = [
    ['/usr/bin/chromium', 'chromium'],
    ['/usr/bin/java', 'openjdk-17-jre-headless'],
    ['/usr/bin/mvn', 'maven'],
    // promtool (in Debian's prometheus package) lints the /metrics exposition in apps/server's metrics test.
    ['/usr/bin/promtool', 'prometheus'],
  ].filter(([bin]) => !existsSync(bin)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing test prerequisites (${missing.join(', ')}). Run as root: ${cmd}`);
  }
  console.log(`Installing test prerequisites: ${cmd}`);
  execSync(cmd, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

if (import.meta.url === `file://${process.argv[1]}`) ensureSystemDeps();
