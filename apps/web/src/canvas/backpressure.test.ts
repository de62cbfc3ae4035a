import { describe, expect, it } from 'vitest';
import { backpressureLevel } from '@flowbook/protocol';
import { catalog, migrateGraph } from './engine.js';
import { toFlowNodes } from './toFlow.js';

describe('backpressure on the canvas', () => {
  it('maps the job thread\'s busy share to ok / low / high', () => {
    expect([backpressureLevel(undefined), backpressureLevel(0.2), backpressureLevel(0.85), backpressureLevel(0.99)]).toEqual([undefined, 'ok', 'low', 'high']);
  });
  it('marks only the sources of a running job', () => {
    const graph = migrateGraph({
      version: 1,
      nodes: [
        { id: 's', type: 'source', config: { connector: 'sales-generator', config: {} } },
        { id: 'k', type: 'sink', config: { connector: 'print', config: {} } },
      ],
      edges: [{ source: 's', target: 'k' }],
    });
    const m = (nodeId: string) => ({ nodeId, type: nodeId === 's' ? 'source' : 'sink', name: nodeId, recordsIn: 1, recordsOut: 1, lateRecordsDropped: 0, deadLetters: 0, watermark: null, stateEntries: 0 });
    const nodes = toFlowNodes(graph, { catalog, issues: new Map(), metrics: new Map([['s', m('s')], ['k', m('k')]]), selected: new Set(), readOnly: true, busy: 0.97 });
    expect(nodes.map((n) => n.data.backpressure?.level)).toEqual(['high', undefined]);
    const idle = toFlowNodes(graph, { catalog, issues: new Map(), metrics: new Map(), selected: new Set(), readOnly: true, busy: 0.97 });
    expect(idle.map((n) => n.data.backpressure)).toEqual([undefined, undefined]);
  });
});
