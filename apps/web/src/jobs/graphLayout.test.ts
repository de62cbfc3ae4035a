import { describe, expect, it } from 'vitest';
import { layoutGraph } from './graphLayout.js';

describe('layoutGraph', () => {
  it('lays a pipeline out left to right and attaches metrics and edge labels', () => {
    const g = {
      nodes: [
        { id: 'src', type: 'source', name: 'sales' },
        { id: 'map', type: 'map' },
        { id: 'win', type: 'window' },
        { id: 'out', type: 'sink' },
      ],
      edges: [
        { source: 'src', target: 'map' },
        { source: 'map', target: 'win', partitioning: 'hash' },
        { source: 'win', target: 'out' },
      ],
    };
    const ops = [{ nodeId: 'win', type: 'window', name: 'w', recordsIn: 5, recordsOut: 1, lateRecordsDropped: 0, deadLetters: 0, watermark: null, stateEntries: 2 }];
    const { nodes, edges } = layoutGraph(g, ops);
    const x = Object.fromEntries(nodes.map((n) => [n.id, n.x]));
    expect(x.src! < x.map! && x.map! < x.win! && x.win! < x.out!).toBe(true);
    expect(nodes.find((n) => n.id === 'src')!.label).toBe('sales');
    expect(nodes.find((n) => n.id === 'win')!.metrics?.recordsIn).toBe(5);
    expect(edges.map((e) => e.label)).toEqual([undefined, 'keyBy', undefined]);
  });

  it('leaves out the server\'s dead-letter sink and its edges', () => {
    const g = {
      nodes: [
        { id: 'src', type: 'source' },
        { id: 'out', type: 'sink' },
        { id: '__dead-letters', type: 'sink', name: 'dead letters' },
      ],
      edges: [
        { source: 'src', target: 'out' },
        { source: 'src', target: '__dead-letters', sideOutput: 'dead-letter' },
      ],
    };
    const { nodes, edges } = layoutGraph(g, []);
    expect(nodes.map((n) => n.id)).toEqual(['src', 'out']);
    expect(edges).toHaveLength(1);
  });
});
