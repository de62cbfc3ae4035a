import type * as Monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';
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
 * A cell's TypeScript errors asked of the TypeScript worker directly, for a cell that has no editor (off screen, see
 * CellEditor) and so no markers: through a model of its own for the time of the check (not the cell's URI, which an
 * editor mounting meanwhile would take over).
 */
async function typeErrorsWithoutEditor(cellPath: string, source: string): Promise<CellTypeError[]> {
  const monaco = await loader.init();
  const uri = monaco.Uri.parse(`${cellPath}.at-run.ts`);
  const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(source, 'typescript', uri);
  try {
    model.setValue(source);
    const worker = await (await monaco.typescript.getTypeScriptWorker())(uri);
    const file = uri.toString();
    const ignored = monaco.typescript.typescriptDefaults.getDiagnosticsOptions().diagnosticCodesToIgnore ?? [];
    const diagnostics = [...(await worker.getSyntacticDiagnostics(file)), ...(await worker.getSemanticDiagnostics(file))];
    return diagnostics
      .filter((d) => d.category === 1 && !ignored.includes(d.code))
      .map((d) => ({ line: model.getPositionAt(d.start ?? 0).lineNumber, message: (typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText).split('\n')[0]! }))
      .sort((a, b) => a.line - b.line);
  } finally {
    model.dispose();
  }
}

/**
 * The cell's TypeScript errors at the moment its current run started (as a TypeScript kernel reports them with the
 * run): esbuild only strips types, so a type error does not stop a run, and the editor's underline is easy to miss.
 * Monaco's TypeScript worker computes them off the page's thread; this keeps the latest and takes them at each run.
 * A cell without an editor (off screen) asks the worker for its source's errors when the run starts.
 */
export function useTypeErrorsAtRun(
  editor: Monaco.editor.IStandaloneCodeEditor | undefined,
  monaco: typeof Monaco | undefined,
  runStartedAt: number | undefined,
  cell: { path: string; source: string },
): CellTypeError[] {
  const latest = useRef<CellTypeError[]>([]);
  const [atRun, setAtRun] = useState<CellTypeError[]>([]);
  const withoutEditor = useRef({ editor, cell });
  withoutEditor.current = { editor, cell };
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
    if (runStartedAt === undefined) return setAtRun([]);
    const { editor: live, cell: c } = withoutEditor.current;
    if (live) return setAtRun(latest.current);
    let current = true;
    typeErrorsWithoutEditor(c.path, c.source).then(
      (errors) => current && setAtRun(errors),
      () => current && setAtRun([]),
    );
    return () => {
      current = false;
    };
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
