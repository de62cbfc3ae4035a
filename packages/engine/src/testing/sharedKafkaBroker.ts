import { inject } from 'vitest';
import { startApacheKafkaBroker, type ApacheKafkaBroker } from './apacheKafkaBroker.js';
import { startApacheKafkaCluster, type ApacheKafkaCluster } from './apacheKafkaCluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test run's service starter (vitest.globalSetup.ts), when the run has one. */
    flowbookTestServices?: string;
  }
}

/**
 * One Apache Kafka broker for every test file of a run: the run's global setup starts it on first request and stops
 * it at the end, so the files that need a broker pay for one JVM start, not one each. Its auto-created topics get 4
 * partitions; tests name their topics uniquely. Outside such a run (a script), a broker of the caller's own.
 * `stop()` of the shared broker does nothing: the run stops it.
 */
export async function sharedApacheKafkaBroker(): Promise<ApacheKafkaBroker> {
  const services = inject('flowbookTestServices');
  if (services === undefined) return startApacheKafkaBroker({ partitions: 4, startTimeoutMs: 120_000 });
  const res = await fetch(`${services}/apache-kafka`, { method: 'POST', signal: AbortSignal.timeout(280_000) });
  const body = (await res.json()) as { bootstrap?: string; pid?: number; error?: string };
  if (!res.ok || body.bootstrap === undefined) throw new Error(body.error ?? `test services answered ${res.status}`);
  return { bootstrap: body.bootstrap, pid: body.pid ?? -1, stop: async () => {} };
}

/**
 * One 3-node Apache Kafka cluster for every test file of a run that needs a cluster (scale-out: group rebalances,
 * replicated transaction logs), started by the run's global setup on first request; `stop()` does nothing. Outside
 * such a run, a cluster of the caller's own.
 */
export async function sharedApacheKafkaCluster(): Promise<ApacheKafkaCluster> {
  const services = inject('flowbookTestServices');
  if (services === undefined) return startApacheKafkaCluster({ nodes: 3, startTimeoutMs: 270_000 });
  const res = await fetch(`${services}/apache-kafka-cluster`, { method: 'POST', signal: AbortSignal.timeout(290_000) });
  const body = (await res.json()) as { bootstrap?: string; pids?: number[]; error?: string };
  if (!res.ok || body.bootstrap === undefined) throw new Error(body.error ?? `test services answered ${res.status}`);
  return { bootstrap: body.bootstrap, pids: body.pids ?? [], stop: async () => {} };
}
