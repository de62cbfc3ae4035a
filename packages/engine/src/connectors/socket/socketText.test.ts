import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../index.js';
import { ReplayServer } from './ReplayServer.js';
import { SocketTextSource } from './socketText.js';
import type { SourceContext } from '../SourceFunction.js';

describe('socketTextStream and the replay server', () => {
  it('reads the lines a replay server sends, and the pipeline processes them', async () => {
    const lines = ['01-06-2018,June,Category5,Bat,12', '02-06-2018,June,Category4,Ball,5', '05-07-2018,July,Category1,Cap,7'];
    const server = new ReplayServer({ port: 0, lines, rate: 0, loop: false });
    const port = await server.listen();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out: unknown[] = [];
    env
      .socketTextStream('127.0.0.1', port, '\n', 0)
      .map((l) => l.split(','))
      .map(([, month, , , profit]) => ({ month, profit: Number(profit) }))
      .keyBy((s) => s.month)
      .sum('profit')
      .sinkTo({ connector: 'collect', config: { name: 'o' } });
    const client = env.executeAsync('socket', { collect: (_s: string, v: unknown) => out.push(v) });
    // The server closes after the last line; with maxRetry 0 the source then ends the job with a clear error.
    await expect(client.getJobExecutionResult()).rejects.toThrow(`socket source 127.0.0.1:${port}: connection closed`);
    expect(out).toEqual([
      { month: 'June', profit: 12 },
      { month: 'June', profit: 17 },
      { month: 'July', profit: 7 },
    ]);
    await server.close();
  });

  it('fails with host:port when nothing listens, after its retries', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.socketTextStream('127.0.0.1', 1, '\n', 1, 10).print();
    await expect(env.execute()).rejects.toThrow('socket source 127.0.0.1:1: connection refused (gave up after 1 retries)');
  });

  it('replays in a loop at a rate', async () => {
    const server = new ReplayServer({ port: 0, lines: ['a', 'b'], rate: 200, loop: true });
    const port = await server.listen();
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const got = await env.socketTextStream('127.0.0.1', port).executeAndCollect(7);
    expect(got).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a']);
    await server.close();
  });
  it('emits the lines of one read as one batch, with \r\n line ends and a line split across reads', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((sock) => {
      sock.write('a\r\nb\nc\nhal');
      setTimeout(() => sock.end('f\nlast'), 50);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const batches: string[][] = [];
    const source = new SocketTextSource({ host: '127.0.0.1', port, maxRetry: 0 });
    const ctx = {
      collect: (v: string) => batches.push([v]),
      collectWithTimestamp: () => {},
      collectBatch: (values: readonly string[], n = values.length) => void batches.push(values.slice(0, n)),
      collectBatchWithTimestamps: () => {},
      deadLetter: () => {},
      emitWatermark: () => {},
      markAsTemporarilyIdle: () => {},
      isRunning: () => true,
      yield: () => new Promise<void>((r) => setImmediate(r)),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      getCurrentProcessingTime: () => Date.now(),
      services: {},
    } satisfies SourceContext<string>;
    await expect(source.run(ctx)).rejects.toThrow('connection closed');
    expect(batches).toEqual([['a', 'b', 'c'], ['half'], ['last']]);
    server.close();
  });
});
