import type * as Monaco from 'monaco-editor';
import { describe, expect, it } from 'vitest';
import { showErrorMarker } from './errorMarker.js';

/** A Monaco stand-in: one model over `text`, and the markers set on it. */
function fake(text: string) {
  const lines = text.split('\n');
  let markers: Monaco.editor.IMarkerData[] = [];
  const model = {
    getLineCount: () => lines.length,
    getLineMaxColumn: (n: number) => lines[n - 1]!.length + 1,
    getLineFirstNonWhitespaceColumn: (n: number) => lines[n - 1]!.search(/\S/) + 1,
  };
  const monaco = { MarkerSeverity: { Error: 8 }, editor: { setModelMarkers: (_m: unknown, _o: string, m: Monaco.editor.IMarkerData[]) => void (markers = m) } };
  const editor = { getModel: () => model };
  return { monaco: monaco as unknown as typeof Monaco, editor: editor as unknown as Monaco.editor.IStandaloneCodeEditor, markers: () => markers };
}

describe('showErrorMarker', () => {
  it("underlines from a SQL error's column to the end of its line, else the whole line", () => {
    const f = fake('SELECT id\n  FROM ordres');
    showErrorMarker(f.monaco, f.editor, { message: "table or view 'ordres' not found", line: 2, column: 8 });
    expect(f.markers()).toMatchObject([{ startLineNumber: 2, startColumn: 8, endLineNumber: 2, endColumn: 14 }]);
    showErrorMarker(f.monaco, f.editor, { message: 'boom', line: 2 });
    expect(f.markers()).toMatchObject([{ startLineNumber: 2, startColumn: 3, endColumn: 14 }]);
    showErrorMarker(f.monaco, f.editor, undefined);
    expect(f.markers()).toEqual([]);
  });
});
