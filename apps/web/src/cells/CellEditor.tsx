import Editor, { type EditorProps } from '@monaco-editor/react';
import { useRef, useState, type MouseEvent } from 'react';
import type * as Monaco from 'monaco-editor';
import type * as Y from 'yjs';
import { StaticCode } from './StaticCode.js';
import { useNearViewport } from './useNearViewport.js';

interface Props {
  editorProps: EditorProps;
  language: string;
  path: string;
  source: string;
  /** The cell's shared text, which the static view follows. */
  text: Y.Text | undefined;
  /** The selected cell keeps its live editor wherever it is (keyboard focus goes there, even off screen). */
  active: boolean;
}

/**
 * A cell's code: a live Monaco editor when the cell is on or near the screen, or selected; a static highlighted view,
 * live with everyone's typing, otherwise. Scrolled to, a cell gets its editor (bound to the same shared text, so
 * nothing is lost in between); scrolled away, the editor and its model go, and the TypeScript worker forgets it.
 */
export function CellEditor({ editorProps, language, path, source, text, active }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const near = useNearViewport(box);
  // Pressed before its editor was there (static, or Monaco still loading): live from then on, and the editor takes
  // the focus once mounted, as a click into an editor would have given it.
  const [pressed, setPressed] = useState(false);
  const wantFocus = useRef(false);
  const editor = useRef<Monaco.editor.IStandaloneCodeEditor>(undefined);
  const live = near || active || pressed;
  const lines = source.split('\n').length;
  const onMouseDown = (e: MouseEvent) => {
    if (editor.current) return;
    // Not the browser's default (focusing the cell's section), which would take the focus from the editor made in
    // this very event when Monaco is loaded already.
    e.preventDefault();
    wantFocus.current = true;
    setPressed(true);
  };
  // @monaco-editor/react keeps the first onMount it was given: this one reads refs only.
  const onMount: EditorProps['onMount'] = (e, monaco) => {
    editor.current = e;
    e.onDidDispose(() => {
      if (editor.current === e) editor.current = undefined;
    });
    editorProps.onMount?.(e, monaco);
    // Pressing selected the cell, which keeps it live while selected.
    setPressed(false);
    if (wantFocus.current) {
      wantFocus.current = false;
      e.focus();
    }
  };
  return (
    <div ref={box} className="editor" onMouseDown={onMouseDown} style={{ height: Math.min(600, Math.max(80, lines * 19 + 16)) }}>
      {live ? (
        <Editor language={language} path={path} {...editorProps} onMount={onMount} />
      ) : (
        <StaticCode text={text} source={source} language={language} />
      )}
    </div>
  );
}
