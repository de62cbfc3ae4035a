import type { FnSpec } from '../graph/PipelineGraph.js';

/** How a window's contents become output: incremental reduce/aggregate, optionally with a ProcessWindowFunction, or process alone. */
export type WindowFunctionSpec =
  | { kind: 'reduce'; reduce: FnSpec; process?: FnSpec }
  | { kind: 'aggregate'; aggregate: FnSpec; process?: FnSpec }
  | { kind: 'process'; process: FnSpec };
