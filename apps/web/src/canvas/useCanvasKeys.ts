import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { shortcutFor, type CanvasAction } from './shortcuts.js';

export interface CanvasKeysOptions {
  /** The canvas element: it keeps the keyboard after a shortcut. */
  wrapper: RefObject<HTMLElement | null>;
  readOnly: boolean;
  /** Carries out a shortcut's action. */
  run(action: CanvasAction): void;
  /** Full screen is on: Esc leaves it. */
  fullScreen: boolean;
  exitFullScreen(): void;
}

/**
 * The canvas's keyboard: shortcuts (Delete, undo/redo, copy/cut/paste, select all; a read-only canvas keeps copy and
 * select all) on the canvas element, and Esc anywhere to leave full screen. Returns the canvas's keydown handler.
 */
export function useCanvasKeys({ wrapper, readOnly, run, fullScreen, exitFullScreen }: CanvasKeysOptions) {
  const exitRef = useRef(exitFullScreen);
  exitRef.current = exitFullScreen;

  useEffect(() => {
    if (!fullScreen) return;
    // The code view's own Esc closes it first.
    const onEsc = (e: globalThis.KeyboardEvent) => e.key === 'Escape' && !document.querySelector('.pl-code-backdrop') && exitRef.current();
    window.addEventListener('keydown', onEsc);
    return () => window.removeEventListener('keydown', onEsc);
  }, [fullScreen]);

  return (e: KeyboardEvent) => {
    const action = shortcutFor(e);
    if (!action || (readOnly && action !== 'copy' && action !== 'selectAll')) return;
    e.preventDefault();
    run(action);
    // Deleting or undoing can remove the focused node; keep the keyboard on the canvas for the next shortcut.
    wrapper.current?.focus({ preventScroll: true });
  };
}
