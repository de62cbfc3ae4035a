import type { DashboardItem, Notebook } from '@flowbook/protocol';
import type { CellRunView } from '../notebook/cellRuns.js';

/** Outputs that can be put on the dashboard: each code or SQL cell's sinks seen in its runs or named in its chart settings. */
export function availableOutputs(notebook: Notebook, runs: Record<string, CellRunView>): { cellId: string; sink: string }[] {
  const out: { cellId: string; sink: string }[] = [];
  for (const c of notebook.cells) {
    if (c.type !== 'code' && c.type !== 'sql') continue;
    const sinks = new Set([...Object.keys(c.charts), ...Object.keys(runs[c.id]?.results ?? {})]);
    for (const sink of sinks) out.push({ cellId: c.id, sink });
  }
  return out;
}

/** Moves item `index` by `delta` places, clamped to the list. */
export function moveItem(items: DashboardItem[], index: number, delta: number): DashboardItem[] {
  const to = Math.max(0, Math.min(items.length - 1, index + delta));
  if (to === index) return items;
  const next = [...items];
  const [it] = next.splice(index, 1);
  next.splice(to, 0, it!);
  return next;
}
