/** JupyterLab's command-mode keys (the notebook has focus, no editor does), as commands of the notebook page. */
export type NotebookCommand =
  | 'enterEdit'
  | 'insertAbove'
  | 'insertBelow'
  | 'delete'
  | 'toMarkdown'
  | 'toCode'
  | 'selectPrev'
  | 'selectNext'
  | 'run'
  | 'runAndAdvance'
  | 'runAndInsert'
  | 'undo'
  | 'redo';

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** The second D of "D D" must follow the first within this time, as in JupyterLab's chords. */
export const CHORD_MS = 1000;

/** The shortcuts as the help lists them. */
export const SHORTCUTS: [keys: string, what: string][] = [
  ['Enter', 'edit the selected cell'],
  ['Esc', 'leave the editor (command mode)'],
  ['Shift+Enter', 'run, select the next cell'],
  ['Ctrl/⌘+Enter', 'run in place'],
  ['Alt+Enter', 'run, insert a cell below'],
  ['A / B', 'insert a cell above / below'],
  ['D D', 'delete the cell'],
  ['M / Y', 'make it markdown / code'],
  ['↑ ↓ or K J', 'select the previous / next cell'],
  ['Z / Shift+Z', 'undo / redo a cell operation'],
];

/**
 * Maps command-mode key presses to commands. Stateful only for the D D chord; call `press` for every keydown that
 * reaches the notebook in command mode.
 */
export function createKeymap() {
  let pendingD: number | undefined;
  return {
    press(e: KeyLike, now: number): NotebookCommand | undefined {
      const chord = pendingD !== undefined && now - pendingD <= CHORD_MS;
      pendingD = undefined;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (key === 'Enter') {
        if (e.shiftKey && !mod && !e.altKey) return 'runAndAdvance';
        if (mod && !e.shiftKey && !e.altKey) return 'run';
        if (e.altKey && !mod && !e.shiftKey) return 'runAndInsert';
        return e.shiftKey || mod || e.altKey ? undefined : 'enterEdit';
      }
      if (key === 'z' && !e.altKey) {
        if (e.shiftKey) return 'redo';
        return 'undo';
      }
      if (key === 'y' && mod && !e.shiftKey && !e.altKey) return 'redo';
      // Everything else is a bare key: leave the browser's and the OS's shortcuts (Ctrl+A, Cmd+D, ...) alone.
      if (mod || e.altKey) return undefined;
      if (key === 'ArrowUp') return 'selectPrev';
      if (key === 'ArrowDown') return 'selectNext';
      if (e.shiftKey) return undefined;
      switch (key) {
        case 'a':
          return 'insertAbove';
        case 'b':
          return 'insertBelow';
        case 'm':
          return 'toMarkdown';
        case 'y':
          return 'toCode';
        case 'k':
          return 'selectPrev';
        case 'j':
          return 'selectNext';
        case 'd':
          if (chord) return 'delete';
          pendingD = now;
          return undefined;
        default:
          return undefined;
      }
    },
  };
}
