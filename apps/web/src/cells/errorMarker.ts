import type * as Monaco from 'monaco-editor';

const OWNER = 'flowbook-run';

/**
 * Underlines where a run failed (compile or runtime error) in the cell's editor: from the error's column when it has
 * one (SQL errors), else the whole line; clears it when there is none.
 */
export function showErrorMarker(monaco: typeof Monaco, editor: Monaco.editor.IStandaloneCodeEditor, error: { message: string; line?: number; column?: number } | undefined): void {
  const model = editor.getModel();
  if (!model) return;
  if (!error || error.line === undefined || error.line < 1 || error.line > model.getLineCount()) {
    monaco.editor.setModelMarkers(model, OWNER, []);
    return;
  }
  const line = error.line;
  monaco.editor.setModelMarkers(model, OWNER, [
    {
      severity: monaco.MarkerSeverity.Error,
      message: error.message,
      startLineNumber: line,
      startColumn: error.column !== undefined && error.column < model.getLineMaxColumn(line) ? error.column : model.getLineFirstNonWhitespaceColumn(line) || 1,
      endLineNumber: line,
      endColumn: model.getLineMaxColumn(line),
    },
  ]);
}
