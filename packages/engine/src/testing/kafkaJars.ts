import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureMavenJars } from './mavenJars.js';

/** scripts/kafka/pom.xml: the Apache Kafka version and the jars the broker needs (kafka_2.13 and its runtime deps). */
export const KAFKA_POM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../scripts/kafka/pom.xml');

/** The directory holding Apache Kafka's broker jars, fetched from Maven Central once and cached (mavenJars.ts). */
export function ensureKafkaJars(): Promise<string> {
  return ensureMavenJars({ name: 'kafka', pomDir: path.dirname(KAFKA_POM), mustHave: 'kafka_2.13-' });
}
