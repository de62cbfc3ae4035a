import type { CoGroupFunction, Collector, KeySelector, ProcessWindowContext } from '../../api/functions.js';
import { toFnSpec } from '../../graph/fn.js';
import type { WindowAssigner } from '../../windows/assigners/WindowAssigner.js';
import type { Trigger } from '../../windows/triggers/Trigger.js';
import type { Window } from '../../windows/Window.js';
import { WindowOperator } from '../../windows/WindowOperator.js';

/** An element in the window's state, with the input it came from (Flink's TaggedUnion). Checkpoints hold this shape. */
interface Tagged {
  side: 0 | 1;
  value: unknown;
}

/**
 * Window coGroup (`a.coGroup(b).where(k1).equalTo(k2).window(w).apply(fn)`), as Flink builds it: both inputs, tagged
 * by side, go into one keyed window; when it fires, the function gets the key's elements of each side, in arrival
 * order. A side with no elements is an empty array, so keys seen on one side only still get a call. Results carry the
 * window's maxTimestamp.
 */
export class WindowCoGroupOperator extends WindowOperator {
  constructor(assigner: WindowAssigner, coGroup: CoGroupFunction<unknown, unknown, unknown>, trigger?: Trigger, allowedLateness?: number) {
    const process = {
      process(_key: unknown, _ctx: ProcessWindowContext<Window>, elements: Tagged[], out: Collector<unknown>) {
        const first: unknown[] = [];
        const second: unknown[] = [];
        for (const e of elements) (e.side === 0 ? first : second).push(e.value);
        coGroup(first, second, out);
      },
    };
    super({ assigner, ...(trigger ? { trigger } : {}), ...(allowedLateness !== undefined ? { allowedLateness } : {}), fn: { kind: 'process', process: toFnSpec(process) } });
  }

  /** The key comes from the raw value with its side's key selector. */
  protected override setKeyContextWith(selector: KeySelector<unknown, unknown> | undefined, value: unknown): unknown {
    return super.setKeyContextWith(selector, (value as Tagged).value);
  }

  override processElement(value: unknown, timestamp: number, input: number): void {
    // On the fast paths the window operator hands a lone element to processBatch, which tags it (below).
    if (this.takesBatches()) return super.processElement(value, timestamp, input);
    super.processElement({ side: input === 0 ? 0 : 1, value } satisfies Tagged, timestamp, input);
  }

  /** A batch is tagged as a whole and goes on as a batch (the window operator's batch loop). */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number, input: number): void {
    // Record at a time, each through processElement (which tags it), when the window operator takes no batches.
    if (!this.takesBatches()) return super.processBatch(values, timestamps, length, input);
    const side = input === 0 ? 0 : 1;
    const tagged = new Array<Tagged>(length);
    for (let i = 0; i < length; i++) tagged[i] = { side, value: values[i] };
    super.processBatch(tagged, timestamps, length, input);
  }
}
