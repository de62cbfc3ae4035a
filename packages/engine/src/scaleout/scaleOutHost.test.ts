import { describe, expect, it } from 'vitest';
import { KafkaSource, StreamExecutionEnvironment, WatermarkStrategy } from '../index.js';
import { scaleOutHost } from './scaleOutHost.js';

/** A program as a cell writes it, under the host: Kafka source → print, checkpointed. */
function program(host: ReturnType<typeof scaleOutHost>, jobName: string) {
  const env = new StreamExecutionEnvironment(host).enableCheckpointing(1000);
  env.fromSource(new KafkaSource({ brokers: ['127.0.0.1:1'], topics: ['t'], groupId: 'g', valueOnly: true }), WatermarkStrategy.noWatermarks(), 'events').print();
  return env.executeAsync(jobName);
}

describe('scaleOutHost', () => {
  it("hands the program's job to one scale-out worker, which a stop ends as cancelled; a second job is refused", async () => {
    const host = scaleOutHost({ jobName: 'orders', checkpointLocation: 'postgresql://127.0.0.1/test', log: () => {} });
    // Stopped before the program submits: the worker never joins, and execute() returns at once.
    await host.stop();
    const client = program(host, 'first');
    expect(host.worker).toBeDefined();
    await expect(client.getJobExecutionResult()).resolves.toMatchObject({ jobName: 'first', status: 'cancelled' });
    await expect(host.ended()).resolves.toBeUndefined();
    expect(() => client.job).toThrow(/worker of job "orders" owns no partitions now/);
    expect(() => program(host, 'second')).toThrow(/a scale-out worker runs one job: the program submitted a second one \("second"\)/);
  });

  it('refuses a job a scale-out worker cannot run, where the program calls execute()', () => {
    const host = scaleOutHost({ jobName: 'orders', checkpointLocation: 'postgresql://127.0.0.1/test', log: () => {} });
    const env = new StreamExecutionEnvironment(host);
    env.fromElements(1, 2, 3).print();
    expect(() => env.executeAsync('numbers')).toThrow(/exactly one source, a Kafka source/);
  });
});
