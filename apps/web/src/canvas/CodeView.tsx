import Editor from '@monaco-editor/react';
import { useMemo, useState } from 'react';
import { toCode, type PipelineGraph } from './engine.js';

/** "Show as code": the pipeline as engine API code (what a notebook cell would run), read-only. */
export function CodeView({ graph, onClose }: { graph: PipelineGraph; onClose(): void }) {
  const result = useMemo(() => {
    try {
      return { code: toCode(graph) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [graph]);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!result.code) return;
    await navigator.clipboard.writeText(result.code);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div className="pl-code-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="pl-code" role="dialog" aria-label="Pipeline as code" data-testid="pl-code-view">
        <div className="pl-code-header">
          <strong>Pipeline as code</strong>
          <span className="muted">TypeScript for a notebook cell: running it builds this pipeline.</span>
          <span className="spacer" />
          {result.code && <button onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>}
          <button onClick={onClose} data-testid="pl-code-close">
            Close
          </button>
        </div>
        {result.error !== undefined ? (
          <div className="cell-error">{result.error}</div>
        ) : (
          <div className="pl-code-editor" data-testid="pl-code-text">
            <Editor
              language="typescript"
              path="file:///canvas/pipeline-as-code.ts"
              value={result.code}
              options={{ readOnly: true, minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, automaticLayout: true, tabSize: 2 }}
            />
          </div>
        )}
      </div>
    </div>
  );
}
