import { cellLabel, isRunnable, type DashboardItem, type Notebook } from '@flowbook/protocol';
import type { CellRunView } from '../notebook/cellRuns.js';

/** An output a dashboard can show: a cell's live sink, named for people by the cell's title and the sink's name. */
export interface Output {
  cellId: string;
  sink: string;
  label: string;
}

/** Outputs that can be put on the dashboard: each code or pipeline cell's sinks seen in its runs or named in its chart settings. */
export function availableOutputs(notebook: Notebook, runs: Record<string, CellRunView>): Output[] {
  const out: Output[] = [];
  for (const c of notebook.cells) {
    if (!isRunnable(c)) continue;
    const sinks = new Set([...Object.keys(c.charts), ...Object.keys(runs[c.id]?.results ?? {})]);
    for (const sink of sinks) out.push({ cellId: c.id, sink, label: `${cellLabel(notebook, c.id)} · ${sink}` });
  }
  return out;
}

/**
 * What the dashboard shows: its saved layout, or, for a notebook that never had one, every output (Zeppelin's report
 * mode), so the first click from the notebook shows something. Not saved until the layout is edited.
 */
export function shownItems(notebook: Notebook, outputs: Output[]): DashboardItem[] {
  if (notebook.dashboard) return notebook.dashboard.items;
  return outputs.map((o) => ({ cellId: o.cellId, sink: o.sink, w: outputs.length === 1 ? 12 : 6, h: 3 }));
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
