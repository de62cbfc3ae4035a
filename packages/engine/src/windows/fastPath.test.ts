// The window fast paths (AlignedWindows, SessionWindowState) against the generic path (state per window namespace, a
// timer per key and window) on random scripts: elements in and out of order, late data with and without allowed
// lateness, watermarks, processing time, and snapshot/restore, also from one path's checkpoint into the other, after a
// JSON round trip, and split by key group and merged back.
import { describe, expect, it } from 'vitest';
import { toFnSpec } from '../graph/fn.js';
import { OperatorTestHarness, type HarnessOutput } from '../testing/OperatorTestHarness.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { ProcessWindowContext } from '../api/functions.js';
import { mulberry32 } from '../connectors/generator/random.js';
import { rescaleKeyedSnapshots } from '../runtime/rescaleKeyedSnapshot.js';
import { EventTimeSessionWindows } from './assigners/SessionWindows.js';
import { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from './assigners/SlidingWindows.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from './assigners/TumblingWindows.js';
import type { WindowAssigner } from './assigners/WindowAssigner.js';
import type { TimeWindow } from './Window.js';
import { WindowOperator, type WindowOperatorOptions } from './WindowOperator.js';
import type { WindowFunctionSpec } from './WindowFunctionSpec.js';

/**
 * A restore goes into the same path or the other one ('swap'), from the snapshot as the checkpoint container returns
 * it, after a JSON round trip (typed arrays become plain objects), or split into two key-group ranges and merged back.
 */
type Via = 'container' | 'json' | 'rescale';
type Step = { element: string; key: number; ts: number } | { watermark: number } | { processingTime: number } | { restore: 'same' | 'swap'; via: Via };

const assigners: [string, () => WindowAssigner][] = [
  ['tumbling 10', () => TumblingEventTimeWindows.of(10)],
  ['tumbling 7 offset 3', () => TumblingEventTimeWindows.of(7, 3)],
  ['sliding 10/3', () => SlidingEventTimeWindows.of(10, 3)],
  ['sliding 12/4 offset 1', () => SlidingEventTimeWindows.of(12, 4, 1)],
  ['session gap 5', () => EventTimeSessionWindows.withGap(5)],
  ['processing tumbling 10', () => TumblingProcessingTimeWindows.of(10)],
  ['processing sliding 10/4', () => SlidingProcessingTimeWindows.of(10, 4)],
];

/** Window functions whose results depend on element order, so any reordering or wrong merge shows. */
function fn(kind: 'reduce' | 'aggregate' | 'process' | 'reduce+process'): WindowFunctionSpec {
  const describeWindow = {
    open() {},
    process(key: unknown, ctx: ProcessWindowContext<TimeWindow>, elements: unknown[], out: { collect(v: unknown): void }) {
      const fires = ctx.windowState().getState(new ValueStateDescriptor<number>('fires')) as ValueStateLike<number>;
      fires.update((fires.value() ?? 0) + 1);
      out.collect(`${key as number}@${ctx.window.start}-${ctx.window.end}#${fires.value()}:${elements.join(',')} wm=${ctx.currentWatermark()}`);
    },
    clear(ctx: ProcessWindowContext<TimeWindow>) {
      const fires = ctx.windowState().getState(new ValueStateDescriptor<number>('fires')) as ValueStateLike<number>;
      ctx.output({ id: 'cleared' } as never, `${ctx.window.start}-${ctx.window.end} after ${fires.value()}`);
      fires.clear();
    },
  };
  switch (kind) {
    case 'reduce':
      return { kind: 'reduce', reduce: toFnSpec((a: string, b: string) => `${a}+${b}`) };
    case 'aggregate':
      return {
        kind: 'aggregate',
        aggregate: toFnSpec({
          createAccumulator: () => [] as string[],
          add: (v: string, acc: string[]) => [...acc, v],
          getResult: (acc: string[]) => acc.join('|'),
          merge: (a: string[], b: string[]) => [...a, '/', ...b],
        }),
      };
    case 'process':
      return { kind: 'process', process: toFnSpec(describeWindow) };
    case 'reduce+process':
      return { kind: 'reduce', reduce: toFnSpec((a: string, b: string) => `${a}${b}`), process: toFnSpec(describeWindow) };
  }
}

function script(seed: number, processingTime: boolean): Step[] {
  const rand = mulberry32(seed);
  const steps: Step[] = [];
  let t = 100;
  let wm = 90;
  let pt = 100;
  for (let i = 0; i < 160; i++) {
    const r = rand();
    if (r < 0.62) {
      t += Math.floor(rand() * 4);
      // Mostly in order, some out of order, a few very late.
      const ts = rand() < 0.1 ? t - 25 - Math.floor(rand() * 20) : t - Math.floor(rand() * 8);
      steps.push({ element: `e${i}`, key: Math.floor(rand() * 4), ts });
    } else if (r < 0.85) {
      wm = Math.max(wm, t - Math.floor(rand() * 12));
      steps.push({ watermark: wm });
      wm++;
    } else if (r < 0.96) {
      pt += 1 + Math.floor(rand() * (processingTime ? 6 : 3));
      steps.push({ processingTime: pt });
    } else steps.push({ restore: rand() < 0.5 ? 'same' : 'swap', via: (['container', 'json', 'rescale'] as const)[i % 3]! });
  }
  steps.push({ watermark: Number.POSITIVE_INFINITY });
  steps.push({ processingTime: pt + 1000 });
  return steps;
}

function normalize(out: HarnessOutput[]): string[] {
  const result: string[] = [];
  let segment: string[] = [];
  for (const o of out) {
    if ('watermark' in o) {
      result.push(...segment.sort(), `watermark ${o.watermark}`);
      segment = [];
    } else segment.push(`${JSON.stringify(o.value)} @ ${o.timestamp}`);
  }
  return [...result, ...segment.sort()];
}

function via(snapshot: unknown, how: Via): unknown {
  if (how === 'json') return JSON.parse(JSON.stringify(snapshot));
  if (how === 'container') return snapshot;
  const pieces = [rescaleKeyedSnapshots([snapshot], (kg) => kg < 64), rescaleKeyedSnapshots([snapshot], (kg) => kg >= 64)];
  return rescaleKeyedSnapshots(pieces, () => true);
}

/** With `batches`, runs of consecutive elements go in as batches of 1 to 6 (processBatch), as a job hands them on. */
function run(steps: Step[], make: (generic: boolean) => WindowOperator, generic: boolean, batches = false) {
  let mode = generic;
  let op = make(mode);
  const opts = { keySelectors: [(v: unknown) => Number((v as string).split(':')[0])] };
  let h = new OperatorTestHarness(op, { ...opts, startTime: 100 }).open();
  const sizes: number[] = [];
  let batch: { value: unknown; timestamp: number }[] = [];
  const flush = () => {
    if (batch.length > 0) h.processBatch(batch);
    batch = [];
  };
  for (const s of steps) {
    if ('element' in s && batches) {
      batch.push({ value: `${s.key}:${s.element}`, timestamp: s.ts });
      if (batch.length >= 1 + (s.ts % 6)) flush();
      else continue;
    } else flush();
    if ('element' in s) {
      if (!batches) h.processElement(`${s.key}:${s.element}`, s.ts);
    } else if ('watermark' in s) h.processWatermark(s.watermark);
    else if ('processingTime' in s) h.setProcessingTime(s.processingTime);
    else {
      const snapshot = via(h.snapshot(), s.via);
      const before = h.output.slice();
      const side = new Map(h.sideOutputs);
      const dropped = h.numLateRecordsDropped;
      const now = h.clock.getCurrentProcessingTime();
      h.close();
      if (s.restore === 'swap') mode = !mode;
      op = make(mode);
      h = new OperatorTestHarness(op, { ...opts, startTime: now }).open(snapshot);
      h.output.push(...before);
      for (const [k, v] of side) h.sideOutputs.set(k, v);
      op.metrics.lateRecordsDropped = dropped;
    }
    sizes.push(op.stateSize());
  }
  flush();
  sizes.push(op.stateSize());
  return {
    output: normalize(h.output),
    late: normalize((h.sideOutputs.get('late') ?? []).map((o) => ({ value: o.value, timestamp: o.timestamp }))),
    cleared: (h.sideOutputs.get('cleared') ?? []).map((o) => o.value as string).sort(),
    dropped: h.numLateRecordsDropped,
    sizes,
  };
}

describe('window fast paths equal the generic path', () => {
  for (const [name, assigner] of assigners) {
    for (const kind of ['reduce', 'aggregate', 'process', 'reduce+process'] as const) {
      for (const lateness of [0, 6, 40]) {
        it(`${name}, ${kind}, allowed lateness ${lateness}`, () => {
          const processingTime = !assigner().isEventTime();
          for (let seed = 1; seed <= 12; seed++) {
            const steps = script(seed * 7919 + lateness, processingTime);
            const make = (generic: boolean) => {
              const f = fn(kind);
              const options: WindowOperatorOptions = {
                assigner: assigner(),
                allowedLateness: lateness,
                ...(seed % 2 === 0 ? { lateDataOutputTag: 'late' } : {}),
                fn: f,
                genericPath: generic,
              };
              return new WindowOperator(options);
            };
            const fast = run(steps, make, false);
            const generic = run(steps, make, true);
            expect(fast, `seed ${seed}`).toEqual(generic);
            // The fast paths' batch loop (event time) gives what they give element by element.
            const { sizes: batchedSizes, ...batched } = run(steps, make, false, true);
            const { sizes: _sizes, ...single } = fast;
            expect(batched, `seed ${seed}, in batches`).toEqual(single);
            expect(batchedSizes.at(-1)).toBe(fast.sizes.at(-1));
            expect(fast.output.length).toBeGreaterThan(0);
          }
        });
      }
    }
  }
});
