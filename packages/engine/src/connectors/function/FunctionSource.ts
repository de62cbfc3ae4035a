import { FnSpec } from '@flowbook/protocol/graph';
import { z } from 'zod';
import { resolveFn } from '../../graph/fn.js';
import type { ConnectorDefinition } from '../registry.js';
import type { SourceFunction } from '../SourceFunction.js';

export const FunctionSourceConfig = z.object({
  /** The SourceFunction: an object (or class instance) with run(ctx) and cancel(), as env.addSource(fn) captured it. */
  fn: FnSpec,
});
export type FunctionSourceConfig = z.infer<typeof FunctionSourceConfig>;

/**
 * The source behind env.addSource(fn) (Flink's addSource with an inline SourceFunction): no connector to register.
 * Checkpoints hold what its snapshotState returns (Flink's CheckpointedFunction); without it, a restored job runs the
 * function again from its start, while the other sources and operators still resume from the checkpoint.
 */
export const functionSourceConnector: ConnectorDefinition<FunctionSourceConfig> = {
  name: 'function',
  description: 'An inline SourceFunction (env.addSource): run(ctx) emits with ctx.collect / collectWithTimestamp / emitWatermark; cancel() stops it',
  configSchema: FunctionSourceConfig,
  // A SourceFunction may emit its own watermarks (ctx.emitWatermark), as Flink's legacy sources do.
  emitsWatermarks: true,
  createSource: (config) => {
    const fn = resolveFn<SourceFunction>(config.fn, 'addSource');
    if (typeof fn !== 'object' || fn === null || typeof fn.run !== 'function' || typeof fn.cancel !== 'function') {
      throw new Error('addSource: expected a SourceFunction, an object with run(ctx) and cancel()');
    }
    // Each subtask and each attempt after a restart gets its own shallow copy, as Flink deserializes a fresh one: a
    // cancelled attempt's `running = false` must not stop the next.
    return Object.assign(Object.create(Object.getPrototypeOf(fn) as object | null) as object, fn) as SourceFunction;
  },
};
