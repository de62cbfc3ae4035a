import type { JoinFunction } from '../../api/functions.js';
import type { WindowAssigner } from '../../windows/assigners/WindowAssigner.js';
import type { Trigger } from '../../windows/triggers/Trigger.js';
import { WindowCoGroupOperator } from './WindowCoGroupOperator.js';

/**
 * Window join (`a.join(b).where(k1).equalTo(k2).window(w).apply(fn)`), as Flink builds it: a window coGroup that
 * joins every (left, right) pair of a key's window, so a key with elements on one side only yields nothing.
 */
export class WindowJoinOperator extends WindowCoGroupOperator {
  constructor(assigner: WindowAssigner, join: JoinFunction<unknown, unknown, unknown>, trigger?: Trigger, allowedLateness?: number) {
    super(
      assigner,
      (left, right, out) => {
        for (const l of left) for (const r of right) out.collect(join(l, r));
      },
      trigger,
      allowedLateness,
    );
  }
}
