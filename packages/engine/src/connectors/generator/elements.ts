import { z } from 'zod';
import type { ConnectorDefinition } from '../registry.js';
import { SourceBatch } from '../SourceBatch.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';

export const ElementsConfig = z.object({
  elements: z.array(z.unknown()),
  /** Optional per-element timestamps (same length as elements). */
  timestamps: z.array(z.number()).optional(),
});
export type ElementsConfig = z.input<typeof ElementsConfig>;

/** Elements per batch the source emits. */
const BATCH = 4096;

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
  constructor(private readonly config: ElementsConfig) {}

  async run(ctx: SourceContext): Promise<void> {
    const { elements, timestamps } = this.config;
    const [lo, hi] = rangeOf(elements.length, ctx.subtaskIndex ?? 0, ctx.parallelism ?? 1);
    const todo: Ranges = (this.todo =
      this.restored && 'remaining' in this.restored
        ? this.restored.remaining.map(([a, b]): [number, number] => [a, b])
        : [[Math.max(this.restored?.next ?? 0, lo), hi]]);
    const batch = new SourceBatch(ctx, BATCH);
    for (const range of todo) {
      while (this.running && ctx.isRunning() && range[0] < range[1]) {
        const from = range[0];
        const end = Math.min(range[1], from + BATCH);
        range[0] = end;
        // Without timestamps a slice goes out as it is: one block copy instead of a pass that adds element by element.
        if (timestamps === undefined) ctx.collectBatch(elements.slice(from, end));
        else {
          for (let i = from; i < end; i++) batch.add(elements[i], timestamps[i]!);
          batch.flush();
        }
        await ctx.yield();
      }
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): ElementsState {
    if (this.todo === undefined) return this.restored ?? { next: 0 };
    return { remaining: this.todo.filter(([a, b]) => a < b).map(([a, b]): [number, number] => [a, b]) };
  }
  restoreState(state: unknown): void {
    this.restored = state as ElementsState;
  }
  restoreUnionState(states: unknown[], subtaskIndex: number, parallelism: number): void {
    const n = this.config.elements.length;
    const [lo, hi] = rangeOf(n, subtaskIndex, parallelism);
    const left = states.flatMap((st, k): Ranges => {
      const [a, b] = rangeOf(n, k, states.length);
      const s = st as ElementsState | undefined;
      if (s === undefined) return [[a, b]];
      return 'remaining' in s ? s.remaining : [[Math.max(s.next, a), b]];
    });
    // This subtask's share at once (what is left of its new range), so a snapshot before run() holds only its share.
    this.restored = { remaining: left.map(([a, b]): [number, number] => [Math.max(a, lo), Math.min(b, hi)]).filter(([a, b]) => a < b) };
  }
}

export const elementsConnector: ConnectorDefinition<ElementsConfig> = {
  name: 'elements',
  recordTimestamps: 'timestamps',
  description: 'A fixed list of elements (fromElements / fromCollection)',
  configSchema: ElementsConfig as z.ZodType<ElementsConfig>,
  createSource: (config) => new ElementsSource(config),
  bounded: () => true,
  byReference: ['elements', 'timestamps'],
  splittable: true,
};
