import DOMPurify from 'dompurify';
import type { StaticOutput } from '@flowbook/protocol';

interface Props {
  cellId: string;
  outputs: StaticOutput[];
}

/**
 * Results another tool saved with an imported notebook (Zeppelin's TEXT / TABLE / HTML, Jupyter's outputs), shown as
 * they were until the cell runs here. HTML (and SVG) is sanitized: no script, handler or javascript: URL survives.
 */
export function StaticOutputs({ cellId, outputs }: Props) {
  return (
    <div className="static-outputs" data-testid={`static-outputs-${cellId}`}>
      {outputs.map((o, i) => {
        switch (o.kind) {
          case 'text':
            return (
              <pre key={i} className="cell-log static-text">
                {o.text}
              </pre>
            );
          case 'table':
            return (
              <div key={i} className="static-table">
                <table>
                  <thead>
                    <tr>
                      {o.columns.map((c, j) => (
                        <th key={j}>{c}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {o.rows.map((r, j) => (
                      <tr key={j}>
                        {r.map((v, k) => (
                          <td key={k}>{v}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          case 'html':
            return <div key={i} className="static-html" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(o.html, { USE_PROFILES: { html: true, svg: true } }) }} />;
          case 'image':
            return <img key={i} className="static-image" alt={`output ${i + 1}`} src={`data:${o.mime};base64,${o.data}`} />;
          case 'error':
            return (
              <div key={i} className="cell-error static-error">
                <strong>{o.name}:</strong> {o.message}
                {o.traceback && <pre>{o.traceback}</pre>}
              </div>
            );
        }
      })}
    </div>
  );
}
