import type { CellType } from './cellOps.js';
import type { Access } from './access.js';
import { ArrowDownIcon, ArrowUpIcon, ClearIcon, CopyIcon, TrashIcon } from './icons.js';

interface Props {
  id: string;
  type: CellType;
  access: Access;
  first: boolean;
  last: boolean;
  /** Clearing is offered when the cell shows outputs; not while it runs (its job would refill them). */
  clearable: boolean;
  running: boolean;
  onMove(delta: -1 | 1): void;
  onDuplicate(): void;
  onChangeType(type: CellType): void;
  onClear(): void;
  onDelete(): void;
  /** Shows the editor of the cell's dynamic form (code cells). */
  onEditForm?(): void;
}

/** A cell's own toolbar (top right, shown when the cell is selected or hovered): type, move, duplicate, clear, delete. */
export function CellActions({ id, type, access, first, last, clearable, running, onMove, onDuplicate, onChangeType, onClear, onDelete, onEditForm }: Props) {
  return (
    <div className="cell-actions" data-testid={`cell-actions-${id}`}>
      {access.write && (
        <select
          className="cell-type"
          aria-label="Cell type"
          data-testid={`cell-type-${id}`}
          value={type}
          onChange={(e) => onChangeType(e.target.value as CellType)}
          title="Cell type (M / Y)"
        >
          <option value="code">Code</option>
          <option value="markdown">Markdown</option>
          <option value="sql">SQL</option>
          {/* Code and pipeline convert both ways (code the canvas can express); text cannot become a drawing. */}
          {(type === 'pipeline' || type === 'code') && <option value="pipeline">Pipeline</option>}
          {type === 'chart' && <option value="chart">Chart</option>}
        </select>
      )}
      {access.write && (
        <>
          <button className="icon-button" data-testid={`move-up-${id}`} aria-label="Move up" title="Move up" disabled={first} onClick={() => onMove(-1)}>
            <ArrowUpIcon />
          </button>
          <button className="icon-button" data-testid={`move-down-${id}`} aria-label="Move down" title="Move down" disabled={last} onClick={() => onMove(1)}>
            <ArrowDownIcon />
          </button>
          <button className="icon-button" data-testid={`duplicate-${id}`} aria-label="Duplicate" title="Duplicate" onClick={onDuplicate}>
            <CopyIcon />
          </button>
        </>
      )}
      {access.write && type === 'code' && onEditForm && (
        <button className="icon-button" data-testid={`param-edit-${id}`} aria-label="Form inputs" title="Add or edit form inputs (params.<name>)" onClick={onEditForm}>
          ƒ(x)
        </button>
      )}
      {access.run && type !== 'markdown' && (
        <button
          className="icon-button"
          data-testid={`clear-${id}`}
          aria-label="Clear output"
          title={running ? 'Cancel the run before clearing its output' : 'Clear output'}
          disabled={!clearable || running}
          onClick={onClear}
        >
          <ClearIcon />
        </button>
      )}
      {access.write && (
        <button className="icon-button danger" data-testid={`delete-${id}`} aria-label="Delete" title="Delete (D D)" onClick={onDelete}>
          <TrashIcon />
        </button>
      )}
    </div>
  );
}
