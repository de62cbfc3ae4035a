import { useMemo, useState } from 'react';
import { renderMarkdown } from './renderMarkdown.js';

/** Rendered markdown (sanitized); double-click to edit the source, click outside to render again. */
export function MarkdownCell({ id, source, readOnly, onChange }: { id: string; source: string; readOnly: boolean; onChange(source: string): void }) {
  const [editing, setEditing] = useState(false);
  const html = useMemo(() => renderMarkdown(source), [source]);
  if (editing) {
    return (
      <textarea
        className="markdown-editor"
        data-testid={`markdown-editor-${id}`}
        autoFocus
        value={source}
        rows={Math.max(4, source.split('\n').length + 1)}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => setEditing(false)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && e.shiftKey) {
            e.preventDefault();
            setEditing(false);
          }
        }}
      />
    );
  }
  return (
    <div
      className="markdown"
      data-testid={`markdown-${id}`}
      onDoubleClick={() => !readOnly && setEditing(true)}
      title={readOnly ? undefined : 'Double-click to edit'}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
