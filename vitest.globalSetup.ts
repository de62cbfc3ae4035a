// Services shared by the test files of one `vitest run`, started on first request and stopped when the run ends
// (see packages/engine/src/testing/sharedKafkaBroker.ts). Nothing starts unless a test asks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startApacheKafkaBroker, type ApacheKafkaBroker } from './packages/engine/src/testing/apacheKafkaBroker.js';
import { startApacheKafkaCluster, type ApacheKafkaCluster } from './packages/engine/src/testing/apacheKafkaCluster.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let kafka: Promise<ApacheKafkaBroker> | undefined;
  let cluster: Promise<ApacheKafkaCluster> | undefined;
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/apache-kafka-cluster') {
      // Three KRaft nodes, shared by the scale-out test files: three JVMs started once, not once per file.
      cluster ??= startApacheKafkaCluster({ nodes: 3, startTimeoutMs: 270_000 }).catch((e: unknown) => {
        cluster = undefined;
        throw e;
      });
      cluster.then(
        (c) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bootstrap: c.bootstrap, pids: c.pids })),
        (e: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (e as Error).message })),
      );
      return;
    }
    if (req.method !== 'POST' || req.url !== '/apache-kafka') {
      res.writeHead(404).end();
      return;
    }
    // A failed start is not cached: the next file tries again.
    kafka ??= startApacheKafkaBroker({ partitions: 4, startTimeoutMs: 180_000 }).catch((e: unknown) => {
      kafka = undefined;
      throw e;
    });
    kafka.then(
      (b) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bootstrap: b.bootstrap, pid: b.pid })),
      (e: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (e as Error).message })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('flowbookTestServices', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    server.close();
    const started = await kafka?.catch(() => undefined);
    await started?.stop();
    const startedCluster = await cluster?.catch(() => undefined);
    await startedCluster?.stop();
  };
}
