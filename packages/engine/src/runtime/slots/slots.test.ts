import { describe, expect, it } from 'vitest';
import { runProgram } from '../../testing/runProgram.js';

/** A keyed event-time window job whose map records the thread it ran in. */
const keyedWindow = (p: number) => `
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '@flowbook/engine';
import { threadId } from 'node:worker_threads';
const env = new StreamExecutionEnvironment();
env.setParallelism(${p});
const data = Array.from({ length: 20000 }, (_, i) => ({ k: i % 37, v: i, t: i * 10 }));
const mapped = env
  .fromCollection(data)
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.t))
  .rebalance()
  .map((e) => ({ ...e, thread: threadId }));
mapped.map((e) => e.thread).sinkTo({ connector: 'collect', config: { name: 'threads' } });
mapped
  .keyBy((e) => e.k)
  .window(TumblingEventTimeWindows.of(1000))
  .reduce((a, b) => ({ ...a, v: a.v + b.v }))
  .map((e) => ({ k: e.k, v: e.v }))
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('keyed');
`;

const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('slots', () => {
  it('a p=2 keyed window job gives the results of p=1, its map running in two threads', async () => {
    const one = await runProgram(keyedWindow(1));
    const two = await runProgram(keyedWindow(2));
    expect(two.results.out!.length).toBe(one.results.out!.length);
    expect(sorted(two.results.out!)).toEqual(sorted(one.results.out!));
    expect(new Set(one.results.threads).size).toBe(1);
    expect(new Set(two.results.threads).size).toBe(2);
  }, 60_000);
});

describe('slots: data taps', () => {
  it('a tap on a node shows the records of its subtasks in every slot, a tap on a parallel sink too', async () => {
    type Tapped = { value: unknown }[];
    const seen: { map?: Tapped; sink?: Tapped } = {};
    const done: Promise<void>[] = [];
    const { results } = await runProgram(keyedWindow(2), {
      host: {
        onExecution: (client) => {
          const job = client.job;
          const nodes = job.graph.nodes;
          // The map that records its thread, and the sink of the thread ids (after the map that takes them out).
          const map = nodes.find((n) => n.type === 'map')!.id;
          const edges = job.graph.edges;
          const threadIds = edges.find((e) => e.source === map && nodes.find((n) => n.id === e.target)!.type === 'map')!.target;
          const sink = edges.find((e) => e.source === threadIds)!.target;
          const mapTap = job.tap(map, 100_000)!;
          const sinkTap = job.tap(sink, 100_000)!;
          done.push(
            client.getJobExecutionResult().then(() => {
              seen.map = mapTap.records();
              seen.sink = sinkTap.records();
            }),
          );
        },
      },
    });
    await Promise.all(done);
    const threads = new Set(results.threads);
    expect(threads.size).toBe(2);
    // Both threads' subtasks are in the taps (the map emits objects with the thread; the sink receives thread ids).
    expect(new Set(seen.map!.map((r) => (r.value as { thread: number }).thread))).toEqual(threads);
    expect(new Set(seen.sink!.map((r) => r.value))).toEqual(threads);
    // Sequence numbers are the merged tap's own, in order.
    const seqs = seen.map!.map((r) => (r as unknown as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }, 60_000);
});

const twoInputs = (p: number) => `
import { StreamExecutionEnvironment } from '@flowbook/engine';
const env = new StreamExecutionEnvironment();
env.setParallelism(${p});
const rules = env.fromElements({ mult: 3 }, { mult: 5 });
const data = env.fromCollection(Array.from({ length: 5000 }, (_, i) => i));
// Broadcast: every subtask sees both rules; connect: a two-input operator fed from both sides.
const out = data
  .rebalance()
  .map((x) => x + 1)
  .connect(rules.broadcast())
  .process({
    mults: [],
    pending: [],
    processElement1(x, ctx, out) { out.collect({ x }); },
    processElement2(r, ctx, out) { out.collect({ rule: r.mult }); },
  });
out.sinkTo({ connector: 'collect', config: { name: 'out' } });
data.broadcast().map((x) => x * 2).sinkTo({ connector: 'collect', config: { name: 'doubled' } });
await env.execute('two inputs');
`;

const alignment = `
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '@flowbook/engine';
const env = new StreamExecutionEnvironment();
env.setParallelism(2);
// Two streams interleaved in one source: "a" runs 50 s of event time ahead of "b".
const events = [];
for (let i = 0; i < 2000; i++) {
  events.push({ src: globalThis.keyA, t: 50_000 + i * 100 });
  events.push({ src: globalThis.keyB, t: i * 100 });
}
env
  .fromCollection(events)
  .keyBy((e) => e.src)
  .process({ processElement(e, ctx, out) { out.collect(e); } })
  // One watermark generator per subtask: each sees one stream, so each channel's watermark is its stream's.
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.t))
  .keyBy((e) => e.src)
  .window(TumblingEventTimeWindows.of(10_000))
  .reduce((a, b) => ({ ...a, n: (a.n ?? 1) + (b.n ?? 1) }))
  .map((e) => ({ src: e.src, n: e.n ?? 1 }))
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('alignment');
`;

describe('slots: exchanges', () => {
  it('broadcast and a two-input connect at p=2 give the results of p=1', async () => {
    const one = await runProgram(twoInputs(1));
    const two = await runProgram(twoInputs(2));
    const xs = (rows: unknown[]) => sorted(rows.filter((r) => (r as { x?: number }).x !== undefined));
    const rules = (rows: unknown[]) => rows.filter((r) => (r as { rule?: number }).rule !== undefined).length;
    expect(xs(two.results.out!)).toEqual(xs(one.results.out!));
    expect(xs(two.results.out!)).toHaveLength(5000);
    // Broadcast: each subtask got both rules, and every record (so p=2 doubles every record twice).
    expect(rules(one.results.out!)).toBe(2);
    expect(rules(two.results.out!)).toBe(4);
    expect(sorted(two.results.doubled!)).toEqual(sorted([...one.results.doubled!, ...one.results.doubled!]));
  }, 60_000);

  it('a window takes the minimum watermark over its channels from both slots: the stream behind is not late', async () => {
    // Two keys that land on different subtasks at parallelism 2 (max parallelism 128).
    const keyA = 0;
    let keyB = 1;
    const { assignToKeyGroup, operatorIndexForKeyGroup, normalizeKey } = await import('../../state/keyGroups.js');
    const sub = (k: number) => operatorIndexForKeyGroup(128, 2, assignToKeyGroup(normalizeKey(k), 128));
    while (sub(keyB) === sub(keyA)) keyB++;
    const { results, clients } = await runProgram(alignment, { globals: { keyA, keyB } });
    const total = (src: number) => (results.out as { src: number; n: number }[]).filter((r) => r.src === src).reduce((s, r) => s + r.n, 0);
    // Had the window taken stream a's watermark alone, b's records would all have been dropped as late.
    expect(total(keyA)).toBe(2000);
    expect(total(keyB)).toBe(2000);
    expect(clients[0]!.job.metrics().reduce((s, m) => s + m.lateRecordsDropped, 0)).toBe(0);
  }, 60_000);
});

const failing = `
import { StreamExecutionEnvironment, RestartStrategies } from '@flowbook/engine';
import { isMainThread } from 'node:worker_threads';
import { existsSync, writeFileSync } from 'node:fs';
const env = new StreamExecutionEnvironment();
env.setParallelism(2);
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(globalThis.restarts, 10));
env
  .fromCollection(Array.from({ length: 3000 }, (_, i) => i))
  .rebalance()
  .map((x) => {
    // Only the peer slot fails, and only on the first attempt (the marker file survives the restart).
    if (!isMainThread && x === 2001 && !existsSync(globalThis.marker)) {
      writeFileSync(globalThis.marker, 'x');
      throw new Error('boom in the peer slot');
    }
    return x;
  })
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('failing');
`;

describe('slots: failures', () => {
  it('a function throwing in a peer slot fails the job with its message; the restart strategy restarts it; no thread is left', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { livePeerThreads } = await import('./SlotCluster.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'slots-'));
    await expect(runProgram(failing, { globals: { restarts: 0, marker: path.join(dir, 'a') } })).rejects.toThrow('boom in the peer slot');
    const { results, clients } = await runProgram(failing, { globals: { restarts: 1, marker: path.join(dir, 'b') } });
    expect(clients[0]!.execution.failures.map((f) => f.message)).toEqual(['boom in the peer slot']);
    // No checkpoint: the second attempt starts over, so records before the failure come twice (at least once).
    expect(new Set(results.out).size).toBe(3000);
    for (let i = 0; i < 50 && livePeerThreads() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(livePeerThreads()).toBe(0);
  }, 60_000);
});

const slowPeer = `
import { StreamExecutionEnvironment } from '@flowbook/engine';
import { isMainThread } from 'node:worker_threads';
const env = new StreamExecutionEnvironment();
env.setParallelism(2);
env
  .fromCollection(Array.from({ length: 60000 }, (_, i) => i))
  .rebalance()
  .map((x) => {
    // The subtask in the peer slot is slow: ~20 µs a record.
    if (!isMainThread) { const until = performance.now() + 0.02; while (performance.now() < until); }
    return x;
  })
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('slow peer');
`;

describe('slots: credit-based flow control', () => {
  it('a slow subtask in another slot slows the source; batches waiting for credit stay bounded', async () => {
    const { EXCHANGE_BATCH } = await import('./RemoteChannelOutput.js');
    let peak = 0;
    let sampled = 0;
    const clients: { job: { status: string; metrics(): { nodeId: string; queuedBatches?: number }[] } }[] = [];
    const sampler = setInterval(() => {
      const job = clients[0]?.job;
      if (job?.status !== 'running') return;
      sampled++;
      for (const m of job.metrics()) peak = Math.max(peak, m.queuedBatches ?? 0);
    }, 2);
    try {
      const { results } = await runProgram(slowPeer, { host: { onExecution: (client) => clients.push(client) } });
      expect(results.out).toHaveLength(60000);
    } finally {
      clearInterval(sampler);
    }
    const source = clients[0]!.job.metrics().find((m) => m.nodeId.startsWith('source')) as { creditWaitMs?: number };
    // The source waited for credit (backpressure reached it)...
    expect(source.creditWaitMs).toBeGreaterThan(100);
    expect(sampled).toBeGreaterThan(10);
    // ... and never had more than one source batch (4096 records) waiting per channel.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(4096 / EXCHANGE_BATCH);
  }, 60_000);
});

const endBurst = `
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '@flowbook/engine';
const env = new StreamExecutionEnvironment();
env.setParallelism(2);
// 40,000 keys, one window each: at the end of input each window subtask emits ~20,000 results at once, more than the
// credits of its channel to the sink in slot 0.
env
  .fromCollection(Array.from({ length: 40000 }, (_, i) => ({ k: i, t: i })))
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.t))
  .keyBy((e) => e.k)
  .window(TumblingEventTimeWindows.of(1_000_000))
  .reduce((a) => a)
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('end burst');
`;

describe('slots: end of input', () => {
  it('a slot whose subtasks ended still sends what waits for credit before it finishes', async () => {
    const { results } = await runProgram(endBurst);
    expect(results.out).toHaveLength(40000);
  }, 60_000);
});

const idle = `
import { Nexmark, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '@flowbook/engine';
const env = new StreamExecutionEnvironment();
env.setParallelism(2);
env
  .fromSource(new Nexmark({ seed: 3, count: 3000, ratePerSecond: 1500, eventsPerSecond: 1000 }), WatermarkStrategy.noWatermarks(), 'nexmark')
  // Every record to one subtask: the other subtask's watermark generator sees nothing and turns idle.
  .keyBy(() => globalThis.hotKey)
  .process({ processElement(e, ctx, out) { out.collect({ k: globalThis.hotKey, t: e.t }); } })
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.t).withIdleness(100))
  .keyBy((e) => e.k)
  .window(TumblingEventTimeWindows.of(500))
  .reduce((a) => a)
  .map((e) => ({ at: Date.now() }))
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('idle');
`;

describe('slots: idleness', () => {
  it('an idle channel from another slot leaves the minimum: windows fire while the source still runs', async () => {
    const { results } = await runProgram(idle, { globals: { hotKey: 1 } });
    const end = Date.now();
    const at = (results.out as { at: number }[]).map((r) => r.at);
    expect(at.length).toBeGreaterThan(3);
    // The first windows fired long before the end of input (2 s of source), not all at the final watermark.
    expect(end - Math.min(...at)).toBeGreaterThan(800);
  }, 60_000);
});

/** A program whose map records its thread and whether it is the first record its module instance saw. */
const reusable = (tag: string) => `
import { StreamExecutionEnvironment } from '@flowbook/engine';
import { threadId } from 'node:worker_threads';
// Module state: each run imports the program anew, so it starts at 0 even in a thread that ran the program before.
let seen = 0;
const env = new StreamExecutionEnvironment();
env.setParallelism(2);
env
  .fromSequence(0, 1999)
  .map((x) => ({ thread: threadId, first: seen++ === 0 ? 1 : 0 }))
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('reuse ${tag}');
`;

describe('slots: peer threads', () => {
  it('a peer thread whose job ended cleanly runs the next run of the same program, not another program', async () => {
    const { livePeerThreads } = await import('./SlotCluster.js');
    const { threadId } = await import('node:worker_threads');
    const peerThreads = (rows: unknown[]) => {
      const out = rows as { thread: number; first: number }[];
      expect(out.length).toBe(2000);
      // One first record per subtask: the module state did not carry over from the run before.
      expect(out.reduce((n, r) => n + r.first, 0)).toBe(2);
      return [...new Set(out.map((r) => r.thread))].filter((t) => t !== threadId);
    };
    const a1 = peerThreads((await runProgram(reusable('a'))).results.out!);
    const a2 = peerThreads((await runProgram(reusable('a'))).results.out!);
    const b = peerThreads((await runProgram(reusable('b'))).results.out!);
    expect(a1).toHaveLength(1);
    expect(a2).toEqual(a1);
    expect(b).toHaveLength(1);
    expect(b).not.toEqual(a1);
    expect(livePeerThreads()).toBe(0);
  }, 60_000);
});
