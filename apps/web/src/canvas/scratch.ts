import { migrateGraph, type PipelineGraph } from './engine.js';
import { EMPTY_GRAPH } from './graphOps.js';

/** The /pipeline page's scratch pipeline, kept in this browser's localStorage. */
export const SCRATCH_KEY = 'flowbook.pipeline.scratch';

/** The saved scratch pipeline (migrated if older); a missing or unreadable one starts empty. */
export function loadScratch(storage: Pick<Storage, 'getItem'> = localStorage): PipelineGraph {
  try {
    const raw = storage.getItem(SCRATCH_KEY);
    return raw ? migrateGraph(JSON.parse(raw)) : EMPTY_GRAPH;
  } catch {
    return EMPTY_GRAPH;
  }
}

export function saveScratch(graph: PipelineGraph, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(SCRATCH_KEY, JSON.stringify(graph));
}
