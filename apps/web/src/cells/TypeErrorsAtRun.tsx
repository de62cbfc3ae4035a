import type * as Monaco from 'monaco-editor';
import { useEffect, useRef, useState } from 'react';

/** One TypeScript error of a cell, as Monaco's TypeScript worker reported it. */
export interface CellTypeError {
  line: number;
  message: string;
}

/** The TypeScript errors among a model's markers (warnings and hints are left out), in line order. */
export function typeErrorsOf(markers: readonly Pick<Monaco.editor.IMarker, 'severity' | 'startLineNumber' | 'message' | 'owner'>[], errorSeverity: number): CellTypeError[] {
  return markers
    .filter((m) => m.severity === errorSeverity && m.owner === 'typescript')
    .map((m) => ({ line: m.startLineNumber, message: m.message.split('\n')[0]! }))
    .sort((a, b) => a.line - b.line);
}

/**
 * The cell's TypeScript errors at the moment its current run started (as a TypeScript kernel reports them with the
 * run): esbuild only strips types, so a type error does not stop a run, and the editor's underline is easy to miss.
 * Monaco's TypeScript worker computes them off the page's thread; this keeps the latest and takes them at each run.
 */
export function useTypeErrorsAtRun(editor: Monaco.editor.IStandaloneCodeEditor | undefined, monaco: typeof Monaco | undefined, runStartedAt: number | undefined): CellTypeError[] {
  const latest = useRef<CellTypeError[]>([]);
  const [atRun, setAtRun] = useState<CellTypeError[]>([]);
  useEffect(() => {
    if (!editor || !monaco) return;
    const read = () => {
      const model = editor.getModel();
      latest.current = model ? typeErrorsOf(monaco.editor.getModelMarkers({ resource: model.uri }), monaco.MarkerSeverity.Error) : [];
    };
    read();
    const sub = monaco.editor.onDidChangeMarkers((uris) => {
      const uri = editor.getModel()?.uri.toString();
      if (uris.some((u) => u.toString() === uri)) read();
    });
    return () => sub.dispose();
  }, [editor, monaco]);
  useEffect(() => {
    setAtRun(runStartedAt === undefined ? [] : latest.current);
  }, [runStartedAt]);
  return atRun;
}

/** Shown beside the run's output: the run went ahead, and these are the type errors it went ahead with. */
export function TypeErrorsAtRun({ cellId, errors }: { cellId: string; errors: CellTypeError[] }) {
  if (errors.length === 0) return null;
  const shown = errors.slice(0, 5);
  return (
    <div className="type-errors-at-run" data-testid={`type-errors-${cellId}`} role="status">
      <strong>
        ⚠ Ran with {errors.length} TypeScript error{errors.length > 1 ? 's' : ''}
      </strong>{' '}
      (types are not checked at run; the code ran as JavaScript):
      <ul>
        {shown.map((e, i) => (
          <li key={i}>
            line {e.line}: {e.message}
          </li>
        ))}
        {errors.length > shown.length && <li>… and {errors.length - shown.length} more (underlined in the editor)</li>}
      </ul>
    </div>
  );
}
