import Editor from '@monaco-editor/react';

/**
 * A user function's source in a small Monaco editor. The runtime compiles it with `new Function`, so it is
 * JavaScript (no type annotations), unlike cells.
 */
export function FnEditor({ value, onChange, readOnly, path, testId }: { value: string; onChange(code: string): void; readOnly: boolean; path: string; testId: string }) {
  const lines = value.split('\n').length;
  return (
    <div className="pl-fn-editor" data-testid={testId} style={{ height: Math.min(260, Math.max(56, lines * 18 + 12)) }}>
      <Editor
        language="javascript"
        path={`file:///canvas/${path}.js`}
        value={value}
        onChange={(v) => onChange(v ?? '')}
        options={{
          minimap: { enabled: false },
          lineNumbers: 'off',
          folding: false,
          glyphMargin: false,
          lineDecorationsWidth: 4,
          fontSize: 12,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          tabSize: 2,
          readOnly,
          renderLineHighlight: 'none',
          overviewRulerLanes: 0,
          scrollbar: { vertical: 'auto', horizontal: 'auto', alwaysConsumeMouseWheel: false },
        }}
      />
    </div>
  );
}
