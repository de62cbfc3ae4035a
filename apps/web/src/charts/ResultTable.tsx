import type { Row } from '@flowbook/protocol';

/** The last rows of a sink as a table (newest first). */
export function ResultTable({ rows, limit = 100 }: { rows: Row[]; limit?: number }) {
  const shown = rows.slice(-limit).reverse();
  const cols = [...new Set(shown.flatMap((r) => Object.keys(r)))];
  return (
    <div className="result-table">
      <table>
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={i}>
              {cols.map((c) => (
                <td key={c}>{typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c] ?? '')}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
