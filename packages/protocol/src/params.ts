import type { Notebook, ParamValue, RunnableCell } from './notebook.js';

/** The `params` a cell runs with: notebook-wide defaults and values, then the cell's own (the cell's win). */
export function paramValuesOf(notebook: Notebook, cell: RunnableCell): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of notebook.params ?? []) out[p.name] = p.default;
  Object.assign(out, notebook.paramValues ?? {});
  for (const p of cell.params ?? []) out[p.name] = p.default;
  for (const p of cell.params ?? []) if (cell.paramValues && p.name in cell.paramValues) out[p.name] = cell.paramValues[p.name]!;
  return out;
}
