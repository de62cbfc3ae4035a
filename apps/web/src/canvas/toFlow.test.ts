import { describe, expect, it } from 'vitest';
import { catalog, type PipelineGraph } from './engine.js';
import { matchesKeyBy, matchesSearch } from './Palette.js';
import { loadScratch, saveScratch, SCRATCH_KEY } from './scratch.js';
import { nodeSummary, toFlowEdges, toFlowNodes } from './toFlow.js';

const g: PipelineGraph = {
  version: 1,
  config: { autoWatermarkInterval: 200, maxParallelism: 128 },
  nodes: [
    { id: 'a', type: 'source', config: { connector: 'socket-text', config: { host: 'localhost', port: 9181 } } },
    { id: 'b', type: 'window', name: 'per month', parallelism: 4, config: { assigner: { kind: 'sliding', time: 'event', size: 60000, slide: 10000, offset: 0 } }, position: { x: 5, y: 6 } },
    { id: 'c', type: 'sink', config: { connector: 'live', config: { name: 'profit' } } },
    { id: 'j', type: 'intervalJoin', config: { lowerBound: -5000, upperBound: 2000 } },
  ],
  edges: [
    { source: 'a', target: 'b', targetInput: 0, partitioning: 'hash', keySelector: { code: '(x) => x' } },
    { source: 'b', target: 'c', targetInput: 0, partitioning: 'forward', sideOutput: 'late' },
    { source: 'a', target: 'j', targetInput: 1, partitioning: 'forward' },
  ],
};

describe('graph to React Flow', () => {
  it('draws nodes with labels, summaries, issues and metrics; laid out where the graph has no positions', () => {
    const nodes = toFlowNodes(g, {
      catalog,
      issues: new Map([['c', ['input is not connected']]]),
      metrics: new Map([['b', { nodeId: 'b', type: 'window', name: 'w', recordsIn: 3, recordsOut: 1, lateRecordsDropped: 0, deadLetters: 0, watermark: null, stateEntries: 0 }]]),
      selected: new Set(['b']),
      readOnly: false,
    });
    expect(nodes.map((n) => n.data.label)).toEqual(['Socket text', 'per month', 'Live', 'Interval join']);
    expect(nodes[1]!.position).toEqual({ x: 5, y: 6 });
    expect(nodes[1]!.selected).toBe(true);
    expect(nodes[0]!.position.x).toBeLessThan(nodes[2]!.position.x);
    expect(nodes[2]!.data.issues).toEqual(['input is not connected']);
    expect(nodes[1]!.data.metrics?.recordsIn).toBe(3);
    expect(nodes.map((n) => n.data.summary)).toEqual(['socket-text · localhost:9181', 'sliding · 1 min every 10 s · event time · ×4', 'live · profit', '-5 s … 2 s']);
    expect(nodeSummary({ id: 'm', type: 'map', config: { fn: { code: '(line) => line.split(",").map((x) => x.trim())' } } })).toBe('(line) => line.split(",").map((x)…');
    // Window joins and coGroups show their window, not their function.
    expect(nodeSummary({ id: 'cg', type: 'windowCoGroup', config: { assigner: { kind: 'tumbling', time: 'event', size: 5000, offset: 0 }, fn: { code: '(a, b, out) => {}' } } })).toBe('tumbling · 5 s · event time');
  });

  it('draws edges into the right input with keyBy and side-output labels', () => {
    const edges = toFlowEdges(g, new Set(), true);
    expect(edges.map((e) => [e.targetHandle, e.label])).toEqual([
      ['in0', 'keyBy'],
      ['in0', 'side: late'],
      ['in1', undefined],
    ]);
    expect(edges[0]!.className).toBe('pl-edge-keyed');
    expect(edges.every((e) => e.animated)).toBe(true);
  });

  it('finds palette items by label, type, connector or description', () => {
    const sales = catalog.entries.find((e) => e.id === 'source:sales-generator')!;
    expect(['sales', 'SOURCE', 'generated', ''].map((q) => matchesSearch(sales, q))).toEqual([true, true, true, true]);
    expect(matchesSearch(sales, 'join')).toBe(false);
    // keyBy is an edge setting, not a node: the palette still finds it by its API name.
    expect(['keyBy', 'key by', 'KEYBY', 'group by', ''].map(matchesKeyBy)).toEqual([true, true, true, true, true]);
    expect(matchesKeyBy('sink')).toBe(false);
  });

  it('keeps the scratch pipeline in storage and starts empty without a readable one', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(loadScratch(storage).nodes).toEqual([]);
    saveScratch(g, storage);
    expect(loadScratch(storage)).toEqual(g);
    store.set(SCRATCH_KEY, '{not json');
    expect(loadScratch(storage).nodes).toEqual([]);
  });
});
