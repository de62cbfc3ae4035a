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

/** The source behind fromElements / fromCollection: bounded, in order, position checkpointed. */
export class ElementsSource implements SourceFunction {
  private running = true;
  private next = 0;
  constructor(private readonly config: ElementsConfig) {}
  async run(ctx: SourceContext): Promise<void> {
    const { elements, timestamps } = this.config;
    const batch = new SourceBatch(ctx, 4096);
    while (this.running && ctx.isRunning() && this.next < elements.length) {
      const end = Math.min(elements.length, this.next + batch.capacity);
      for (; this.next < end; this.next++) batch.add(elements[this.next], timestamps ? timestamps[this.next]! : NO_TIMESTAMP);
      batch.flush();
      if (this.next < elements.length) await ctx.yield();
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): unknown {
    return { next: this.next };
  }
  restoreState(state: unknown): void {
    this.next = (state as { next: number }).next;
  }
}

export const elementsConnector: ConnectorDefinition<ElementsConfig> = {
  name: 'elements',
  description: 'A fixed list of elements (fromElements / fromCollection)',
  configSchema: ElementsConfig as z.ZodType<ElementsConfig>,
  createSource: (config) => new ElementsSource(config),
  bounded: () => true,
  byReference: ['elements', 'timestamps'],
};
