import { loader } from '@monaco-editor/react';
import { memo, useEffect, useState } from 'react';
import type * as Y from 'yjs';

interface Props {
  /** The cell's shared text (co-editing): followed live, so the view is never behind anyone's typing. */
  text: Y.Text | undefined;
  /** The cell's source in the notebook, shown until the shared text is there. */
  source: string;
  /** Monaco's language id, for the highlighting. */
  language: string;
}

/**
 * A code cell's text as Monaco highlights it (monaco.editor.colorize), without an editor: what cells off screen show.
 * Fifty live Monaco editors per page were the cost of co-editing a large notebook (compositor layers, rendering, the
 * TypeScript worker following every model); only cells on or near the screen get one (see CellEditor).
 */
export const StaticCode = memo(function StaticCode({ text, source, language }: Props) {
  const [value, setValue] = useState(() => text?.toString() ?? source);
  useEffect(() => {
    if (!text) return setValue(source);
    const read = () => setValue(text.toString());
    read();
    text.observe(read);
    return () => text.unobserve(read);
  }, [text, source]);
  // Highlighted lines of `for`; plain lines while the highlighting of the latest text is not back yet.
  const [colored, setColored] = useState<{ for: string; lines: string[] }>();
  useEffect(() => {
    let current = true;
    void loader
      .init()
      .then((monaco) => monaco.editor.colorize(value, language, { tabSize: 2 }))
      // colorize ends every line with <br/>; the text itself is escaped, so it has none of its own.
      .then((html) => current && setColored({ for: value, lines: html.split('<br/>').slice(0, -1) }))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [value, language]);
  const lines = colored?.for === value ? colored.lines : undefined;
  return (
    <div className="code-static">
      {lines
        ? lines.map((html, i) => <div key={i} className="code-static-line" dangerouslySetInnerHTML={{ __html: html }} />)
        : value.split('\n').map((line, i) => (
            <div key={i} className="code-static-line">
              {line}
            </div>
          ))}
    </div>
  );
});
