import { useState, type ReactNode } from 'react';
import { exportUrl, type NotebookFile } from '../api/rest.js';
import type { Navigate } from '../router.js';
import { ErrorLine } from './Modal.js';
import { baseName, nameProblem, type FolderNode } from './names.js';
import { useAction } from './useAction.js';

export interface RowActions {
  /** Anyone but a share-link viewer may duplicate what they can read. */
  canCreate: boolean;
  onRename(from: string, to: string): Promise<void>;
  onDuplicate(name: string): Promise<void>;
  onTrash(name: string): Promise<void>;
  onNewIn(folder: string): void;
}

interface TreeProps extends RowActions {
  tree: FolderNode<NotebookFile>;
  navigate: Navigate;
  /** Collapsed folder paths. */
  collapsed: ReadonlySet<string>;
  onToggle(path: string): void;
  /** Names to draw attention to (just created, imported, renamed). */
  highlight: ReadonlySet<string>;
}

const FolderIcon = () => (
  <svg className="icon" viewBox="0 0 16 16" width="15" height="15" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" aria-hidden="true">
    <path d="M1.5 4a1 1 0 0 1 1-1h3.6l1.4 1.6h6a1 1 0 0 1 1 1V12a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z" />
  </svg>
);
const NotebookIcon = () => (
  <svg className="icon" viewBox="0 0 16 16" width="15" height="15" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" aria-hidden="true">
    <rect x="3" y="1.5" width="10" height="13" rx="1.2" />
    <path d="M5.5 5h5M5.5 7.5h5M5.5 10h3" />
  </svg>
);

/** The notebooks folder as a tree: folders (collapsible, with counts) first, then notebooks, each with its actions. */
export function NotebookTree(props: TreeProps) {
  return (
    <ul className="file-tree" data-testid="file-tree" role="tree">
      <FolderContents node={props.tree} {...props} />
    </ul>
  );
}

function FolderContents({ node, ...props }: TreeProps & { node: FolderNode<NotebookFile> }) {
  return (
    <>
      {node.folders.map((f) => {
        const open = !props.collapsed.has(f.path);
        return (
          <li key={`folder:${f.path}`} className="tree-folder" role="treeitem" aria-expanded={open} data-testid={`folder-${f.path}`}>
            <div className="tree-row folder-row">
              <button className="tree-toggle" onClick={() => props.onToggle(f.path)} aria-label={`${open ? 'Collapse' : 'Expand'} ${f.path}`}>
                <span className="caret">{open ? '▾' : '▸'}</span>
                <FolderIcon />
                <span className="folder-name">{f.name}</span>
                <span className="muted">{f.count}</span>
              </button>
              <span className="spacer" />
              {props.canCreate && (
                <span className="file-row-actions">
                  <button className="link-button" data-testid="new-in-folder" onClick={() => props.onNewIn(f.path)} title={`New notebook in ${f.path}/`}>
                    + New here
                  </button>
                </span>
              )}
            </div>
            {open && (
              <ul role="group">
                <FolderContents {...props} node={f} />
              </ul>
            )}
          </li>
        );
      })}
      {node.notebooks.map((n) => (
        <NotebookRow key={n.name} notebook={n} {...props} />
      ))}
    </>
  );
}

type RowMode = { kind: 'view' } | { kind: 'rename'; to: string } | { kind: 'confirm-trash' };

function NotebookRow({ notebook, navigate, highlight, canCreate, onRename, onDuplicate, onTrash }: TreeProps & { notebook: NotebookFile }) {
  const { name, title, access } = notebook;
  const [mode, setMode] = useState<RowMode>({ kind: 'view' });
  const { busy, error, setError, act: run } = useAction();
  const act = async (fn: () => Promise<void>) => {
    if (await run(fn)) setMode({ kind: 'view' });
  };

  let actions: ReactNode;
  if (mode.kind === 'rename') {
    const problem = mode.to === name ? undefined : nameProblem(mode.to);
    actions = (
      <form
        className="file-row-actions rename-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (mode.to === name) return setMode({ kind: 'view' });
          if (!problem) void act(() => onRename(name, mode.to.trim()));
        }}
      >
        <input
          data-testid="rename-input"
          aria-label="New name (folders separated by /)"
          value={mode.to}
          autoFocus
          onChange={(e) => setMode({ kind: 'rename', to: e.target.value })}
          onKeyDown={(e) => e.key === 'Escape' && setMode({ kind: 'view' })}
        />
        <button type="submit" className="run" data-testid="rename-save" disabled={busy || problem !== undefined}>
          Rename
        </button>
        <button type="button" onClick={() => (setMode({ kind: 'view' }), setError(undefined))}>
          Cancel
        </button>
        {problem && <span className="file-hint">{problem}</span>}
      </form>
    );
  } else if (mode.kind === 'confirm-trash') {
    actions = (
      <span className="file-row-actions confirm">
        <span>Move to the trash?</span>
        <button className="danger" data-testid="trash-confirm" disabled={busy} onClick={() => void act(() => onTrash(name))}>
          Move to trash
        </button>
        <button onClick={() => setMode({ kind: 'view' })}>Cancel</button>
      </span>
    );
  } else {
    actions = (
      <span className="file-row-actions">
        {access.manage && (
          <button className="link-button" data-testid="rename" onClick={() => setMode({ kind: 'rename', to: name })} title="Rename, or move to another folder">
            Rename / move
          </button>
        )}
        {canCreate && (
          <button className="link-button" data-testid="duplicate" disabled={busy} onClick={() => void act(() => onDuplicate(name))}>
            Duplicate
          </button>
        )}
        <a className="link-button" data-testid="export" href={exportUrl(name)} download>
          Export
        </a>
        {access.manage && (
          <button className="link-button danger" data-testid="trash" onClick={() => setMode({ kind: 'confirm-trash' })}>
            Delete
          </button>
        )}
      </span>
    );
  }

  const href = `/notebook/${name}`;
  return (
    <li className={`tree-notebook${highlight.has(name) ? ' highlight' : ''}`} role="treeitem" data-testid={`nb-${name}`} data-name={name}>
      <div className="tree-row">
        <NotebookIcon />
        <a href={href} className="notebook-title" onClick={(e) => (e.preventDefault(), navigate(href))}>
          {title}
        </a>
        {/* The file name, unless the title already says it. */}
        {baseName(name) !== title && (
          <span className="muted notebook-name" title={`${name}.flowbook.json`}>
            {baseName(name)}
          </span>
        )}
        {!access.write && <span className="role-badge">{access.run ? 'run only' : 'read-only'}</span>}
        <span className="spacer" />
        {actions}
      </div>
      <ErrorLine error={error} testId="row-error" />
    </li>
  );
}
