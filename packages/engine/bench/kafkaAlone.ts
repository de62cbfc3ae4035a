// What the Kafka benchmarks (kafka.ts, kafkaClients.ts) measure a reader by, and the kafkajs reader alone they compare
// against: one definition, so both benchmarks time the same loop.
import type { Kafka } from 'kafkajs';

/** Records per second of wall time, and this process's CPU time (user + system) per record over the same span. */
export interface Rate {
  perSec: number;
  cpuUs: number;
}

/**
 * Starts a span: its end() gives the Rate of n records. CPU time is less disturbed than wall time by the other
 * processes on a shared machine, and it leaves out the broker's own work.
 */
export function span(n: number): { end(): Rate } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    end() {
      const used = process.cpuUsage(cpu);
      return { perSec: (n / (performance.now() - wall)) * 1000, cpuUs: (used.user + used.system) / n };
    },
  };
}

/** Fetch limits every reader of a benchmark uses alike. */
export interface FetchLimits {
  maxWaitMs: number;
  maxBytes: number;
  maxBytesPerPartition: number;
  minBytes?: number;
}

/**
 * kafkajs alone: one consumer in a group of its own reads `topic` from the start with eachBatch, JSON.parse of every
 * value handed to `read`, until n records are read; timed from the first batch (the group join is left out).
 */
export async function kafkajsAlone(kafka: Kafka, topic: string, n: number, fetch: FetchLimits, read: (value: unknown) => void): Promise<Rate> {
  const consumer = kafka.consumer({
    groupId: `bench-kafkajs-${Math.random()}`,
    maxWaitTimeInMs: fetch.maxWaitMs,
    maxBytes: fetch.maxBytes,
    maxBytesPerPartition: fetch.maxBytesPerPartition,
    minBytes: fetch.minBytes ?? 1,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    let timing: ReturnType<typeof span> | undefined;
    return await new Promise<Rate>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          timing ??= span(n);
          for (const m of batch.messages) {
            read(JSON.parse(m.value!.toString()));
            seen++;
          }
          if (seen >= n) resolve(timing.end());
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
