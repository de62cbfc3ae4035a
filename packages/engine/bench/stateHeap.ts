import { OperatorTestHarness, TumblingEventTimeWindows, WindowOperator, toFnSpec } from '../src/index.js';

/**
 * Heap per live key of window state: `keys` keys, each with a reduce accumulator in one open event-time window.
 * `genericPath` measures the path windows with a custom trigger or an evictor take (state per window namespace and a
 * timer per key and window) instead of the default trigger's fast path.
 */
export async function heapPerWindowKey(keys: number, genericPath = false): Promise<{ keys: number; bytesPerKey: number }> {
  const op = new WindowOperator({
    assigner: TumblingEventTimeWindows.of(60_000),
    fn: { kind: 'reduce', reduce: toFnSpec((a: number, b: number) => a + b) },
    genericPath,
  });
  const h = new OperatorTestHarness(op, { keySelectors: [(v) => (v as number) % keys] }).open();
  global.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < keys; i++) h.processElement(i, 1000);
  global.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  global.gc?.();
  const after = process.memoryUsage().heapUsed;
  // Reading the operator after the measurement keeps its state alive through it.
  if (op.stateSize() !== keys) throw new Error('state size mismatch');
  return { keys, bytesPerKey: Math.round((after - before) / keys) };
}
