// Runs every conformance case in cases/*.json through the operator test harness. Each case ports the behaviour of a
// Flink test (named in "ports"): the operator config as graph JSON, a script of elements, watermarks, processing-time
// advances and snapshot/restore, and the expected output. Records between two watermarks compare as a multiset, as
// Flink's TestHarnessUtil.assertOutputEqualsSorted does.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveFn } from '../src/graph/fn.js';
import { GraphConfig, type GraphNode } from '../src/graph/PipelineGraph.js';
import { getOperatorDefinition } from '../src/runtime/operatorRegistry.js';
import { OperatorTestHarness, type HarnessOutput } from '../src/testing/OperatorTestHarness.js';
import '../src/connectors/index.js';

type Step =
  | { element: unknown; ts?: number | 'Infinity'; input?: number }
  | { watermark: number | 'Infinity'; channel?: number }
  | { idle: boolean; channel: number }
  | { processingTime: number }
  | { snapshotRestore: true }
  | { expect: ({ value: unknown; ts: number } | { watermark: number })[] }
  | { expectError: string; element: unknown; ts?: number | 'Infinity' };

interface Case {
  name: string;
  ports: string;
  description?: string;
  operator: string;
  config: Record<string, unknown>;
  key?: string;
  channels?: number;
  graphConfig?: Record<string, unknown>;
  steps: Step[];
  expectSide?: Record<string, { value: unknown; ts: number }[]>;
  expectLateDropped?: number;
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases');
const cases: { file: string; c: Case }[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((file) => {
    const raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    return (Array.isArray(raw) ? raw : [raw]).map((c: Case) => ({ file, c }));
  });

const NO_TS = Number.NEGATIVE_INFINITY;
/** JSON has no Infinity: cases write the +∞ watermark and timestamps as "Infinity". */
const num = (v: number | string | undefined): number | undefined => (v === 'Infinity' ? Number.POSITIVE_INFINITY : (v as number | undefined));

/** Splits output at watermarks and sorts records inside each segment, so only Flink-visible order is compared. */
function normalize(out: ({ value: unknown; ts: number } | { watermark: number })[]): string[] {
  const result: string[] = [];
  let segment: string[] = [];
  const flush = () => {
    result.push(...segment.sort());
    segment = [];
  };
  for (const o of out) {
    if ('watermark' in o) {
      flush();
      result.push(`watermark ${o.watermark}`);
    } else segment.push(`${JSON.stringify(o.value)} @ ${o.ts}`);
  }
  flush();
  return result;
}

const fromHarness = (o: HarnessOutput) => ('watermark' in o ? { watermark: o.watermark } : { value: o.value, ts: o.timestamp });

function build(c: Case) {
  const def = getOperatorDefinition(c.operator);
  if (!def) throw new Error(`${c.name}: unknown operator ${c.operator}`);
  const graph = GraphConfig.parse(c.graphConfig ?? {});
  const node: GraphNode = { id: c.name, type: c.operator, config: c.config };
  const ops = def.create(def.configSchema.parse(c.config) as never, node, graph);
  return ops[0]!;
}

describe('Flink conformance', () => {
  it(`has at least 60 cases (has ${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  for (const { file, c } of cases) {
    it(`${c.name} — ${c.ports} (${file})`, () => {
      const keySelectors = c.key ? [resolveFn<(v: unknown) => unknown>({ code: c.key }, 'key')] : [];
      const opts = { keySelectors, channels: c.channels ?? 1 };
      let harness = new OperatorTestHarness(build(c), opts).open();
      let seen = 0;
      for (const [i, step] of c.steps.entries()) {
        const where = `${c.name} step ${i}`;
        if ('expectError' in step) {
          expect(() => harness.processElement(step.element, num(step.ts) ?? NO_TS), where).toThrow(new RegExp(step.expectError));
        } else if ('element' in step) harness.processElement(step.element, num(step.ts) ?? NO_TS, step.input ?? 0);
        else if ('watermark' in step) harness.processWatermark(num(step.watermark)!, step.channel ?? 0);
        else if ('idle' in step) harness.setIdle(step.channel, step.idle);
        else if ('processingTime' in step) harness.setProcessingTime(step.processingTime);
        else if ('snapshotRestore' in step) {
          // As after a failure: snapshot, throw the operator away, restore a new one; output so far is kept.
          const snapshot = harness.snapshot();
          const before = harness.output.slice();
          const side = new Map(harness.sideOutputs);
          const now = harness.clock.getCurrentProcessingTime();
          const dropped = harness.numLateRecordsDropped;
          harness.close();
          harness = new OperatorTestHarness(build(c), { ...opts, startTime: now }).open(snapshot);
          harness.output.push(...before);
          for (const [k, v] of side) harness.sideOutputs.set(k, v);
          harness.operator.metrics.lateRecordsDropped = dropped;
        } else if ('expect' in step) {
          const got = harness.output.slice(seen).map(fromHarness);
          expect(normalize(got), where).toEqual(normalize(step.expect));
          seen = harness.output.length;
        }
      }
      expect(harness.output.length, `${c.name}: output after the last expect step`).toBe(seen);
      for (const [tag, expected] of Object.entries(c.expectSide ?? {})) {
        expect(normalize(harness.getSideOutput(tag).map((o) => ({ value: o.value, ts: o.timestamp }))), `${c.name} side output ${tag}`).toEqual(normalize(expected));
      }
      if (c.expectLateDropped !== undefined) expect(harness.numLateRecordsDropped, `${c.name} late dropped`).toBe(c.expectLateDropped);
    });
  }
});
