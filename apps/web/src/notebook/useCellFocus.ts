import { useCallback, useLayoutEffect, useRef, useState, type FocusEvent, type MutableRefObject, type RefObject } from 'react';
import type * as Monaco from 'monaco-editor';

/** JupyterLab's two modes: an editor has the keyboard (edit), or the notebook does and keys are commands. */
export type Mode = 'command' | 'edit';
/** Where keyboard focus goes once a cell is selected: the cell itself (command mode) or its editor (edit mode). */
export type FocusTarget = 'cell' | 'editor';

/** Height of the sticky top bar and notebook toolbar, which cover the top of the page. */
const STICKY_PX = 100;
const MIN_VISIBLE_PX = 48;

/**
 * Scrolls a newly selected cell into view, but not one that already shows enough of itself: a tall cell that fills the
 * screen would otherwise jump to its top or bottom on every selection.
 */
function scrollIntoViewIfHidden(el: HTMLElement) {
  const r = el.getBoundingClientRect();
  const top = STICKY_PX;
  const bottom = window.innerHeight;
  if (r.top >= top && r.bottom <= bottom) return;
  const visible = Math.min(r.bottom, bottom) - Math.max(r.top, top);
  if (r.height > bottom - top && visible >= MIN_VISIBLE_PX) return;
  el.scrollIntoView({ block: r.height > bottom - top ? 'start' : 'nearest' });
}

export interface CellFocusOptions {
  /** Whether the cell is markdown: its "editor" is a textarea that appears (and focuses itself) when editing. */
  isMarkdown(id: string): boolean;
  /** Whether this user may edit; readers' markdown has no textarea and focus stays on the cell. */
  canWrite(): boolean;
}

export interface CellFocus {
  /** The selected cell, as rendered. */
  selected: string | undefined;
  /** Always the latest selection: keyboard commands can follow each other faster than React renders. */
  selRef: MutableRefObject<string | undefined>;
  mode: Mode;
  /** The markdown cell whose source is being edited. */
  editingMarkdown: string | undefined;
  setEditingMarkdown(id: string | undefined | ((cur: string | undefined) => string | undefined)): void;
  /** Selects a cell and, if asked, moves keyboard focus to it or its editor once that exists. */
  select(id: string | undefined, focus?: FocusTarget): void;
  /** The notebook's element: focus inside it decides the mode. */
  containerRef: RefObject<HTMLDivElement | null>;
  onFocus(e: FocusEvent<HTMLDivElement>): void;
  onBlur(e: FocusEvent<HTMLDivElement>): void;
  /** A cell's Monaco editor mounted (or unmounted, `undefined`): pending focus may go to it. */
  onEditor(id: string, editor: Monaco.editor.IStandaloneCodeEditor | undefined): void;
}

/**
 * The notebook's selection and keyboard focus, JupyterLab's way: focus in an editor is edit mode, anywhere else in a
 * cell command mode, and selecting a cell can ask for focus that is applied once the cell or its editor has rendered.
 */
export function useCellFocus(options: CellFocusOptions): CellFocus {
  const [selected, setSelected] = useState<string>();
  const [mode, setMode] = useState<Mode>('command');
  const [editingMarkdown, setEditingMarkdown] = useState<string>();
  const selRef = useRef<string>(undefined);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const containerRef = useRef<HTMLDivElement>(null);
  const editors = useRef(new Map<string, Monaco.editor.IStandaloneCodeEditor>());
  const pendingFocus = useRef<{ id: string; target: FocusTarget }>(undefined);

  /** Moves focus where the last selection asked for, once that cell (or its editor) exists. */
  const applyPendingFocus = useCallback(() => {
    const p = pendingFocus.current;
    if (!p) return;
    if (p.target === 'editor') {
      const editor = editors.current.get(p.id);
      if (!editor) return; // focused in onEditor when Monaco has mounted
      pendingFocus.current = undefined;
      editor.focus();
      return;
    }
    const el = document.getElementById(`cell-${p.id}`);
    if (!el) return;
    pendingFocus.current = undefined;
    el.focus({ preventScroll: true });
    scrollIntoViewIfHidden(el);
  }, []);
  useLayoutEffect(applyPendingFocus);

  const select = useCallback(
    (id: string | undefined, focus?: FocusTarget) => {
      selRef.current = id;
      setSelected(id);
      if (!id || !focus) return;
      if (focus === 'editor' && optionsRef.current.isMarkdown(id)) {
        // The textarea focuses itself when it appears; readers have none and stay on the cell.
        if (optionsRef.current.canWrite()) return setEditingMarkdown(id);
        focus = 'cell';
      }
      pendingFocus.current = { id, target: focus };
      applyPendingFocus();
    },
    [applyPendingFocus],
  );

  /** Focus decides the mode: in an editor is edit mode, anywhere else in a cell is command mode; either selects the cell. */
  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const section = target.closest<HTMLElement>('section[data-cell-id]');
    if (!section) return;
    const id = section.dataset.cellId!;
    if (id !== selRef.current) {
      selRef.current = id;
      setSelected(id);
    }
    setMode(target.closest('.monaco-editor, .markdown-editor') ? 'edit' : 'command');
  };
  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    if (!e.relatedTarget || !containerRef.current?.contains(e.relatedTarget as Node)) setMode('command');
  };

  const onEditor = (id: string, editor: Monaco.editor.IStandaloneCodeEditor | undefined) => {
    if (!editor) {
      editors.current.delete(id);
      return;
    }
    editors.current.set(id, editor);
    applyPendingFocus();
  };

  return { selected, selRef, mode, editingMarkdown, setEditingMarkdown, select, containerRef, onFocus, onBlur, onEditor };
}
