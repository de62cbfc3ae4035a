// @vitest-environment jsdom
import '../testing/jsdom.js';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalog, PipelineGraph } from './engine.js';
import { edgeKey } from './graphOps.js';
import { SettingsPanel } from './SettingsPanel.js';

// Monaco does not run in jsdom: a user-function field is a textarea here.
vi.mock('./FnEditor.js', () => ({
  FnEditor: ({ value, onChange, testId }: { value: string; onChange(code: string): void; testId: string }) => <textarea data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} />,
}));

afterEach(cleanup);

const graph = PipelineGraph.parse({
  version: 1,
  nodes: [
    { id: 'src', type: 'source', config: { connector: 'elements', config: { elements: [1, 2] } } },
    { id: 'm', type: 'map', name: 'double', config: { fn: { code: '(x) => x * 2' } } },
    { id: 'r', type: 'reduce', config: { fn: { code: '(a, b) => a + b' } } },
  ],
  edges: [
    { source: 'src', target: 'm' },
    { source: 'm', target: 'r' },
  ],
});

const panel = (nodeIds: string[], edgeKeys: string[] = [], issues = new Map<string, string[]>()) => {
  const onNode = vi.fn();
  const onEdge = vi.fn();
  render(<SettingsPanel graph={graph} catalog={catalog} nodeIds={new Set(nodeIds)} edgeKeys={new Set(edgeKeys)} issues={issues} readOnly={false} onNode={onNode} onEdge={onEdge} />);
  return { onNode, onEdge };
};

describe('the canvas settings panel', () => {
  it('asks for a selection, and counts a multiple one', () => {
    panel([]);
    expect(screen.getByTestId('pl-settings').textContent).toMatch(/Select a node or an edge/);
    cleanup();
    panel(['m', 'r'], [edgeKey(graph.edges[0]!)]);
    expect(screen.getByTestId('pl-settings').textContent).toMatch(/2 nodes and 1 edges selected/);
  });

  it("edits a node's name and parallelism, and lists its issues", () => {
    const { onNode } = panel(['m'], [], new Map([['m', ['input is not connected']]]));
    fireEvent.change(screen.getByTestId('field-name'), { target: { value: 'triple' } });
    expect(onNode).toHaveBeenCalledWith('m', { name: 'triple' }, 'name');
    fireEvent.change(screen.getByTestId('field-parallelism'), { target: { value: '3' } });
    expect(onNode).toHaveBeenLastCalledWith('m', { parallelism: 3 }, 'parallelism');
    fireEvent.change(screen.getByTestId('field-parallelism'), { target: { value: '0' } });
    expect(onNode).toHaveBeenLastCalledWith('m', { parallelism: undefined }, 'parallelism');
    expect(screen.getByTestId('pl-settings-issues').textContent).toBe('input is not connected');
  });

  it('has no parallelism for sources (they run as one subtask)', () => {
    panel(['src']);
    expect(screen.queryByTestId('field-parallelism')).toBeNull();
  });

  it('turns an edge into a keyBy with a default key selector, then edits the selector', () => {
    const key = edgeKey(graph.edges[1]!);
    const { onEdge } = panel([], [key]);
    fireEvent.change(screen.getByTestId('field-partitioning'), { target: { value: 'hash' } });
    expect(onEdge).toHaveBeenCalledWith(key, { partitioning: 'hash', keySelector: { code: '(value) => value' } }, 'partitioning');
    fireEvent.change(screen.getByTestId('field-sideOutput'), { target: { value: 'late' } });
    expect(onEdge).toHaveBeenLastCalledWith(key, { sideOutput: 'late' }, 'sideOutput');
  });
});
