import type { Access } from './access.js';
import type { CellType } from './cellOps.js';
import { SHORTCUTS } from './keymap.js';

interface Props {
  access: Access;
  canUndo: boolean;
  canRedo: boolean;
  hasSelection: boolean;
  onInsert(type: CellType): void;
  onRun(which: 'all' | 'above' | 'below'): void;
  onClearAll(): void;
  onUndo(): void;
  onRedo(): void;
}

/** The notebook's toolbar: add cells below the selected one, run all / above / below, clear all outputs, undo, shortcuts. */
export function NotebookToolbar({ access, canUndo, canRedo, hasSelection, onInsert, onRun, onClearAll, onUndo, onRedo }: Props) {
  return (
    <div className="notebook-toolbar" data-testid="notebook-toolbar" role="toolbar" aria-label="Notebook">
      {access.write && (
        <div className="toolbar-group">
          <button data-testid="insert-code" onClick={() => onInsert('code')} title="Insert a code cell below the selected one (B)">
            + Code
          </button>
          <button data-testid="insert-markdown" onClick={() => onInsert('markdown')} title="Insert a markdown cell below the selected one">
            + Markdown
          </button>
          <button data-testid="insert-sql" onClick={() => onInsert('sql')} title="Insert a Flink SQL cell below the selected one">
            + SQL
          </button>
          <button data-testid="insert-pipeline" onClick={() => onInsert('pipeline')} title="Insert a pipeline cell (drag-and-drop canvas) below the selected one">
            + Pipeline
          </button>
          <button data-testid="insert-chart" onClick={() => onInsert('chart')} title="Insert a chart of another cell's output below the selected one">
            + Chart
          </button>
        </div>
      )}
      {access.run && (
        <div className="toolbar-group">
          <button className="run" data-testid="run-all" onClick={() => onRun('all')} title="Run every code cell, top to bottom">
            ▶ Run all
          </button>
          <button data-testid="run-above" onClick={() => onRun('above')} disabled={!hasSelection} title="Run the code cells above the selected one">
            Run above
          </button>
          <button data-testid="run-below" onClick={() => onRun('below')} disabled={!hasSelection} title="Run the selected cell and the code cells below it">
            Run below
          </button>
        </div>
      )}
      {access.run && (
        <div className="toolbar-group">
          <button data-testid="clear-all" onClick={onClearAll} title="Clear the outputs of every code cell that is not running">
            Clear outputs
          </button>
        </div>
      )}
      {access.write && (
        <div className="toolbar-group">
          <button data-testid="undo" onClick={onUndo} disabled={!canUndo} title="Undo the last cell operation (Z)">
            ↶ Undo
          </button>
          <button data-testid="redo" onClick={onRedo} disabled={!canRedo} title="Redo (Shift+Z)">
            ↷ Redo
          </button>
        </div>
      )}
      <span className="spacer" />
      <details className="shortcuts" data-testid="shortcuts">
        <summary>Shortcuts</summary>
        <dl>
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
