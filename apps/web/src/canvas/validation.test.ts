import { describe, expect, it } from 'vitest';
import { catalog, type PipelineGraph } from './engine.js';
import { validatePipeline } from './validation.js';

const sales = catalog.entries.find((e) => e.id === 'source:sales-generator')!;
const graph = (): PipelineGraph => ({
  version: 1,
  config: { autoWatermarkInterval: 200, maxParallelism: 128 },
  nodes: [
    { id: 'src', type: 'source', name: 'sales', config: structuredClone(sales.defaults) },
    { id: 'win', type: 'window', config: { assigner: { kind: 'tumbling', time: 'processing', size: 1000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a, b) => a' } } } },
    { id: 'out', type: 'sink', config: { connector: 'print', config: {} } },
  ],
  edges: [
    { source: 'src', target: 'win', targetInput: 0, partitioning: 'hash', keySelector: { code: '(l) => l' } },
    { source: 'win', target: 'out', targetInput: 0, partitioning: 'forward' },
  ],
});

describe('validatePipeline in the browser', () => {
  it('accepts a good pipeline', () => {
    expect(validatePipeline(graph()).issues).toEqual([]);
  });

  it('reports the engine’s issues by node: unconnected inputs, connector configs checked without connector code', () => {
    const g = graph();
    g.edges.pop();
    g.nodes[0]!.config = { ...g.nodes[0]!.config, config: { ratePerSecond: -1 } };
    const v = validatePipeline(g);
    expect(v.byNode.get('out')).toEqual(['input is not connected']);
    expect(v.byNode.get('src')![0]).toMatch(/invalid sales-generator config: ratePerSecond/);
  });

  it('checks what the engine types loosely against the catalog: a window assigner’s shape', () => {
    const g = graph();
    g.nodes[1]!.config.assigner = { kind: 'tumbling', time: 'processing', size: -5, offset: 0 };
    expect(validatePipeline(g).byNode.get('win')).toEqual([expect.stringMatching(/^Assigner › Size: /)]);
    g.nodes[1]!.config.assigner = { kind: 'hopping' };
    expect(validatePipeline(g).byNode.get('win')).toHaveLength(1);
  });

  it('reports syntax errors in user functions and key selectors before the job would fail to start', () => {
    const g = graph();
    g.nodes[1]!.config.function = { kind: 'reduce', reduce: { code: '(a, b) => a)' } };
    g.edges[0]!.keySelector = { code: '(l) => l.split(' };
    const v = validatePipeline(g);
    expect([...v.byNode.get('win')!].sort()).toEqual([expect.stringMatching(/^Function › Reduce: /), expect.stringMatching(/^Key by on the edge from "src": /)]);
    // Method shorthand compiles, as the runtime's resolveFn accepts it.
    g.nodes[1]!.config.function = { kind: 'reduce', reduce: { code: 'reduce(a, b) { return a; }' } };
    g.edges[0]!.keySelector = { code: '(l) => l' };
    expect(validatePipeline(g).issues).toEqual([]);
  });

  it('names a malformed graph instead of throwing', () => {
    const g = graph();
    g.nodes[0]!.id = '';
    expect(validatePipeline(g).issues[0]!.message).toMatch(/^pipeline graph: nodes\.0\.id/);
  });
});
