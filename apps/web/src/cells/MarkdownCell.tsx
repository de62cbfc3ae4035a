import { useMemo } from 'react';
import { renderMarkdown } from './renderMarkdown.js';

/** How editing ended: focus went elsewhere, Esc or Ctrl+Enter (stay on the cell), Shift+Enter (go to the next cell). */
export type MarkdownDone = 'blur' | 'stay' | 'advance';

interface Props {
  id: string;
  source: string;
  /** 'raw' (Jupyter's raw cells): shown as plain text, never rendered. */
  format?: 'markdown' | 'raw' | undefined;
  readOnly: boolean;
  /** Edit mode is the page's (Enter in command mode starts it too), so it is a prop. */
  editing: boolean;
  onChange(source: string): void;
  onEdit(): void;
  onDone(how: MarkdownDone): void;
}

/** Rendered markdown (sanitized, with math) or a raw cell's text; double-click or Enter edits the source; Esc, Shift+Enter or a click outside render it. */
export function MarkdownCell({ id, source, format, readOnly, editing, onChange, onEdit, onDone }: Props) {
  const raw = format === 'raw';
  const html = useMemo(() => (raw ? '' : renderMarkdown(source)), [source, raw]);
  if (editing && !readOnly) {
    return (
      <textarea
        className="markdown-editor"
        data-testid={`markdown-editor-${id}`}
        autoFocus
        value={source}
        placeholder="Markdown"
        rows={Math.max(4, source.split('\n').length + 1)}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => onDone('blur')}
        onKeyDown={(e) => {
          const mod = e.ctrlKey || e.metaKey;
          if (e.key === 'Escape' || (e.key === 'Enter' && mod)) {
            e.preventDefault();
            onDone('stay');
          } else if (e.key === 'Enter' && e.shiftKey) {
            e.preventDefault();
            onDone('advance');
          }
        }}
      />
    );
  }
  if (source.trim() === '') {
    return (
      <div className="markdown markdown-empty muted" data-testid={`markdown-${id}`} onDoubleClick={() => !readOnly && onEdit()}>
        {readOnly ? 'Empty markdown cell' : 'Empty markdown cell — double-click or press Enter to edit'}
      </div>
    );
  }
  if (raw) {
    return (
      <pre className="markdown markdown-raw" data-testid={`markdown-${id}`} onDoubleClick={() => !readOnly && onEdit()} title={readOnly ? 'Raw cell' : 'Raw cell (not rendered); double-click to edit'}>
        {source}
      </pre>
    );
  }
  return (
    <div
      className="markdown"
      data-testid={`markdown-${id}`}
      onDoubleClick={() => !readOnly && onEdit()}
      title={readOnly ? undefined : 'Double-click to edit'}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
