import { z } from 'zod';
import type { ConnectorDefinition } from '../registry.js';
import { NO_TIMESTAMP } from '../../time/Watermark.js';
import { SourceBatch } from '../SourceBatch.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';

export const ElementsConfig = z.object({
  elements: z.array(z.unknown()),
  /** Optional per-element timestamps (same length as elements). */
  timestamps: z.array(z.number()).optional(),
});
export type ElementsConfig = z.input<typeof ElementsConfig>;

/** Elements still to emit: [start, end) index ranges of the collection. */
type Ranges = [number, number][];
/** Checkpointed: the ranges left (`next` alone: the rest of this subtask's range, as single-subtask jobs stored it). */
type ElementsState = { remaining: Ranges } | { next: number };

/** Subtask `s` of `p` reads the s-th of p contiguous ranges of `n` elements. */
const rangeOf = (n: number, s: number, p: number): [number, number] => [Math.floor((n * s) / p), Math.floor((n * (s + 1)) / p)];

/**
 * The source behind fromElements / fromCollection / fromSequence: bounded, in order within each subtask's range, the
 * ranges left checkpointed. Elements are emitted as they are (no copy).
 */
export class ElementsSource implements SourceFunction {
  private running = true;
  /** What run() emits; its first range's start advances as elements go out. */
  private todo: Ranges | undefined;
  private restored: ElementsState | undefined;
  /** After a change of parallelism: the ranges every old subtask had left. */
  private union: Ranges | undefined;
  constructor(private readonly config: ElementsConfig) {}

  async run(ctx: SourceContext): Promise<void> {
    const { elements, timestamps } = this.config;
    const [lo, hi] = rangeOf(elements.length, ctx.subtaskIndex ?? 0, ctx.parallelism ?? 1);
    const todo: Ranges = (this.todo = this.union
      ? this.union.map(([a, b]): [number, number] => [Math.max(a, lo), Math.min(b, hi)]).filter(([a, b]) => a < b)
      : this.restored && 'remaining' in this.restored
        ? this.restored.remaining.map(([a, b]): [number, number] => [a, b])
        : [[Math.max(this.restored?.next ?? 0, lo), hi]]);
    const batch = new SourceBatch(ctx, 4096);
    for (const range of todo) {
      while (this.running && ctx.isRunning() && range[0] < range[1]) {
        const end = Math.min(range[1], range[0] + batch.capacity);
        for (let i = range[0]; i < end; i++) batch.add(elements[i], timestamps ? timestamps[i]! : NO_TIMESTAMP);
        range[0] = end;
        batch.flush();
        await ctx.yield();
      }
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): ElementsState {
    if (this.todo === undefined) return this.union ? { remaining: this.union } : (this.restored ?? { next: 0 });
    return { remaining: this.todo.filter(([a, b]) => a < b).map(([a, b]): [number, number] => [a, b]) };
  }
  restoreState(state: unknown): void {
    this.restored = state as ElementsState;
  }
  restoreUnionState(states: unknown[]): void {
    const n = this.config.elements.length;
    this.union = states.flatMap((st, k): Ranges => {
      const [lo, hi] = rangeOf(n, k, states.length);
      const s = st as ElementsState | undefined;
      if (s === undefined) return [[lo, hi]];
      return 'remaining' in s ? s.remaining : [[Math.max(s.next, lo), hi]];
    });
  }
}

export const elementsConnector: ConnectorDefinition<ElementsConfig> = {
  name: 'elements',
  description: 'A fixed list of elements (fromElements / fromCollection)',
  configSchema: ElementsConfig as z.ZodType<ElementsConfig>,
  createSource: (config) => new ElementsSource(config),
  bounded: () => true,
  byReference: ['elements', 'timestamps'],
  splittable: true,
};
