import type { CellType } from './cellOps.js';

/** The thin gap between two cells: hovering it offers a new code, markdown, SQL, pipeline or chart cell right there. */
export function AddCellBar({ index, onAdd }: { index: number; onAdd(type: CellType): void }) {
  return (
    <div className="add-cell" data-testid={`add-cell-${index}`}>
      <button data-testid={`add-code-${index}`} onClick={() => onAdd('code')} title="Insert a code cell here">
        + Code
      </button>
      <button data-testid={`add-markdown-${index}`} onClick={() => onAdd('markdown')} title="Insert a markdown cell here">
        + Markdown
      </button>
      <button data-testid={`add-sql-${index}`} onClick={() => onAdd('sql')} title="Insert a Flink SQL cell here">
        + SQL
      </button>
      <button data-testid={`add-pipeline-${index}`} onClick={() => onAdd('pipeline')} title="Insert a pipeline (drag-and-drop canvas) here">
        + Pipeline
      </button>
      <button data-testid={`add-chart-${index}`} onClick={() => onAdd('chart')} title="Insert a chart of another cell's output here">
        + Chart
      </button>
    </div>
  );
}
