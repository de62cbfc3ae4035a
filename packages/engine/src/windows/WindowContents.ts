import type { AggregateFunction, ReduceFunction } from '../api/functions.js';
import type { StateKind } from '../state/StateDescriptor.js';

/** How a window's contents are kept: pre-aggregated by a ReduceFunction, an AggregateFunction's accumulator, or every element. */
export const CONTENTS_REDUCE = 0;
export const CONTENTS_AGGREGATE = 1;
export const CONTENTS_LIST = 2;

/**
 * The operations the window fast paths apply to one window's contents, with exactly the semantics of the keyed state
 * the generic path uses (HeapReducingState, HeapAggregatingState, HeapListState and mergeNamespaces): the first element
 * is stored as is (reduce) or added to a new accumulator (aggregate), later ones are reduced/added in arrival order.
 */
export class WindowContents {
  constructor(
    readonly kind: number,
    private readonly reduceFn: ReduceFunction<unknown> | undefined,
    private readonly agg: AggregateFunction<unknown, unknown, unknown> | undefined,
    /** Name and kind of the keyed state the generic path keeps the contents in (the checkpoint format). */
    readonly stateName: string,
  ) {}

  get stateKind(): StateKind {
    return this.kind === CONTENTS_REDUCE ? 'reducing' : this.kind === CONTENTS_AGGREGATE ? 'aggregating' : 'list';
  }

  first(value: unknown): unknown {
    if (this.kind === CONTENTS_REDUCE) return value;
    if (this.kind === CONTENTS_AGGREGATE) {
      const agg = this.agg!;
      return agg.add(value, agg.createAccumulator());
    }
    return [value];
  }

  add(contents: unknown, value: unknown): unknown {
    if (this.kind === CONTENTS_REDUCE) return this.reduceFn!(contents, value);
    if (this.kind === CONTENTS_AGGREGATE) return this.agg!.add(value, contents);
    (contents as unknown[]).push(value);
    return contents;
  }

  /** `target` with `source` merged into it (session windows). */
  merge(target: unknown, source: unknown): unknown {
    if (this.kind === CONTENTS_REDUCE) return this.reduceFn!(target, source);
    if (this.kind === CONTENTS_AGGREGATE) return this.agg!.merge!(target, source);
    const t = target as unknown[];
    for (const v of source as unknown[]) t.push(v);
    return t;
  }

  /** What the window function is given: the reduced value, the aggregate's result, or the elements. */
  result(contents: unknown): unknown {
    return this.kind === CONTENTS_AGGREGATE ? this.agg!.getResult(contents) : contents;
  }
}
