/** Canvas keyboard shortcuts; keys typed into a field or a code editor are left to it. */
export type CanvasAction = 'delete' | 'undo' | 'redo' | 'copy' | 'cut' | 'paste' | 'selectAll';

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

function isEditable(target: EventTarget | null): boolean {
  const el = target as (Element & { isContentEditable?: boolean }) | null;
  if (!el || typeof el.closest !== 'function') return false;
  return el.isContentEditable === true || el.closest('input, textarea, select, .monaco-editor, [contenteditable="true"]') !== null;
}

export function shortcutFor(e: KeyInput): CanvasAction | undefined {
  if (isEditable(e.target) || e.altKey) return undefined;
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (!mod) return key === 'Delete' || key === 'Backspace' ? 'delete' : undefined;
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !e.shiftKey) return 'redo';
  if (e.shiftKey) return undefined;
  return ({ c: 'copy', x: 'cut', v: 'paste', a: 'selectAll' } as const)[key as 'c'];
}
