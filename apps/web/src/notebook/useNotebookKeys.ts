import { useEffect, useRef, type RefObject } from 'react';
import { createKeymap, type NotebookCommand } from './keymap.js';

export interface NotebookKeyCommands {
  /** Runs a command-mode command (JupyterLab's keys, see keymap.ts). */
  exec(command: NotebookCommand): void;
  /** Esc in a cell's editor: back to command mode on that cell. */
  leaveEditor(): void;
}

/**
 * The notebook's command-mode keys: one document listener, registered once, that calls the latest render's commands.
 * Keys typed in inputs, on buttons and on the pipeline canvas stay theirs; in a Monaco editor only Esc is ours.
 */
export function useNotebookKeys(containerRef: RefObject<HTMLElement | null>, commands: NotebookKeyCommands) {
  const commandsRef = useRef(commands);
  commandsRef.current = commands;

  useEffect(() => {
    const keymap = createKeymap();
    const onKeyDown = (e: KeyboardEvent) => {
      const root = containerRef.current;
      const target = e.target as HTMLElement | null;
      if (!root || !target || e.defaultPrevented || e.isComposing) return;
      // Keys typed on the page background count too (nothing focused yet, or the focused cell was deleted).
      if (target !== document.body && !root.contains(target)) return;
      if (target.closest('.monaco-editor')) {
        // Monaco keeps Esc while it has a widget open (suggestions, find); otherwise Esc leaves the editor.
        if (e.key === 'Escape' && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
          e.preventDefault();
          commandsRef.current.leaveEditor();
        }
        return;
      }
      // Inputs, and the pipeline canvas (its own Delete, undo and copy/paste keys).
      if (target.closest('textarea, input, select, [contenteditable]:not([contenteditable="false"]), .pl-canvas')) return;
      if ((e.key === 'Enter' || e.key === ' ') && target.closest('button, a, summary')) return;
      const command = keymap.press(e, Date.now());
      if (!command) return;
      e.preventDefault();
      commandsRef.current.exec(command);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [containerRef]);
}
