import type { Collector, JoinFunction, ProcessWindowContext } from '../../api/functions.js';
import { toFnSpec } from '../../graph/fn.js';
import type { WindowAssigner } from '../../windows/assigners/WindowAssigner.js';
import type { Trigger } from '../../windows/triggers/Trigger.js';
import type { Window } from '../../windows/Window.js';
import { WindowOperator } from '../../windows/WindowOperator.js';

interface Tagged {
  side: 0 | 1;
  value: unknown;
}

/**
 * Window join (`a.join(b).where(k1).equalTo(k2).window(w).apply(fn)`), as Flink builds it: both inputs, tagged by side,
 * go into one keyed window; when it fires, every (left, right) pair of the window is joined. Results carry the
 * window's maxTimestamp.
 */
export class WindowJoinOperator extends WindowOperator {
  constructor(assigner: WindowAssigner, join: JoinFunction<unknown, unknown, unknown>, trigger?: Trigger, allowedLateness?: number) {
    const coGroup = {
      process(_key: unknown, _ctx: ProcessWindowContext<Window>, elements: Tagged[], out: Collector<unknown>) {
        const left: unknown[] = [];
        const right: unknown[] = [];
        for (const e of elements) (e.side === 0 ? left : right).push(e.value);
        for (const l of left) for (const r of right) out.collect(join(l, r));
      },
    };
    super({ assigner, ...(trigger ? { trigger } : {}), ...(allowedLateness !== undefined ? { allowedLateness } : {}), fn: { kind: 'process', process: toFnSpec(coGroup) } });
  }

  /** The key comes from the raw value with its side's key selector. */
  protected override setKeyContextElement(value: unknown, input: number): unknown {
    return super.setKeyContextElement((value as Tagged).value, input);
  }

  override processElement(value: unknown, timestamp: number, input: number): void {
    super.processElement({ side: input === 0 ? 0 : 1, value } satisfies Tagged, timestamp, input);
  }
}
