import Editor from '@monaco-editor/react';
import { useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { toCode, type PipelineGraph } from './engine.js';

interface Props {
  graph: PipelineGraph;
  onClose(): void;
  /** Editable: "Apply to canvas" reads the edited code back into a graph (fromCode) and hands it over. */
  onApply?(code: string): Promise<string | undefined>;
}

/**
 * "Show as code": the pipeline as engine API code (what a notebook cell would run). Editable when the canvas is:
 * the edited code turns back into the graph, or the dialog says which line the canvas cannot express.
 * In a portal on the body, so no cell's stacking context (nor the notebook's sticky toolbar) draws over it.
 */
export function CodeView({ graph, onClose, onApply }: Props) {
  const result = useMemo(() => {
    try {
      return { code: toCode(graph) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [graph]);
  const [code, setCode] = useState(result.code ?? '');
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState(false);
  const dirty = result.code !== undefined && code !== result.code;
  const copy = async () => {
    await navigator.clipboard.writeText(code);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  const apply = async () => {
    const problem = await onApply?.(code);
    if (problem === undefined) onClose();
    else setError(problem);
  };
  return createPortal(
    <div className="pl-code-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="pl-code" role="dialog" aria-label="Pipeline as code" data-testid="pl-code-view">
        <div className="pl-code-header">
          <strong>Pipeline as code</strong>
          <span className="muted">{onApply ? 'Edit the TypeScript, then apply it to the canvas.' : 'TypeScript for a notebook cell: running it builds this pipeline.'}</span>
          <span className="spacer" />
          {result.code !== undefined && <button onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>}
          {onApply && (
            <button className="run" onClick={() => void apply()} disabled={!dirty} title={dirty ? 'Turn this code into the canvas’s graph' : 'Edit the code first'} data-testid="pl-code-apply">
              Apply to canvas
            </button>
          )}
          <button onClick={onClose} data-testid="pl-code-close">
            Close
          </button>
        </div>
        {error !== undefined && (
          <div className="pl-code-error" role="alert" data-testid="pl-code-error">
            Cannot draw this code: {error}
          </div>
        )}
        {result.error !== undefined ? (
          <div className="cell-error">{result.error}</div>
        ) : (
          <div className="pl-code-editor" data-testid="pl-code-text">
            <Editor
              language="typescript"
              path="file:///canvas/pipeline-as-code.ts"
              value={code}
              onChange={(v) => {
                setCode(v ?? '');
                setError(undefined);
              }}
              options={{ readOnly: !onApply, minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, automaticLayout: true, tabSize: 2 }}
            />
          </div>
        )}
      </div>
    </div>,
    document.body,
  );
}
