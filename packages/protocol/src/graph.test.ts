import { describe, expect, it } from 'vitest';
import { migrateGraph, PipelineGraph, StoredPipelineGraph } from './graph.js';
import { Notebook } from './notebook.js';

const v0 = { nodes: [{ id: 'a', type: 'source', config: {} }], links: [{ source: 'a', target: 'b' }] };

describe('the pipeline graph schema', () => {
  it('migrates a version 0 graph (links) to the current version, in messages and files alike', () => {
    const g = migrateGraph(v0);
    expect(g.version).toBe(1);
    expect(g.edges).toEqual([{ source: 'a', target: 'b', targetInput: 0, partitioning: 'forward' }]);
    expect(StoredPipelineGraph.parse(v0)).toEqual(g);
    const nb = Notebook.parse({ version: 1, title: 't', cells: [{ id: 'p', type: 'pipeline', graph: v0 }] });
    expect(nb.cells[0]).toMatchObject({ type: 'pipeline', graph: g });
  });

  it('refuses a graph that is not one, naming the field', () => {
    expect(() => migrateGraph({ version: 1, nodes: [{ id: '' }], edges: [] })).toThrow(/^pipeline graph: nodes\.0\.id/);
    expect(() => migrateGraph({ version: 2, nodes: [], edges: [] })).toThrow(/version 2 is newer/);
    expect(StoredPipelineGraph.safeParse({ version: 1, nodes: 'x', edges: [] }).success).toBe(false);
    expect(PipelineGraph.safeParse({ version: 1, nodes: [], edges: [] }).success).toBe(true);
  });
});
