import type { JobDetail } from '@flowbook/protocol';
import { formatCount, watermarkLag } from './format.js';

/** Per operator: records in and out, watermark lag, state entries, late drops and dead letters. */
export function JobOperators({ operators }: { operators: JobDetail['operators'] }) {
  return (
    <>
      <h2>Operators</h2>
      <table className="jobs-table" data-testid="job-operators">
        <thead>
          <tr>
            <th>Operator</th>
            <th>Type</th>
            <th>Records in</th>
            <th>Records out</th>
            <th>Watermark lag</th>
            <th>State entries</th>
            <th>Late dropped</th>
            <th>Dead letters</th>
          </tr>
        </thead>
        <tbody>
          {operators.map((o) => (
            <tr key={o.nodeId}>
              <td>{o.name}</td>
              <td>
                {o.type}
                {o.parallelism !== undefined && <span className="muted"> ×{o.parallelism}</span>}
              </td>
              <td>{formatCount(o.recordsIn)}</td>
              <td>{formatCount(o.recordsOut)}</td>
              <td>{watermarkLag(o.watermark)}</td>
              <td>{formatCount(o.stateEntries)}</td>
              <td>{o.lateRecordsDropped}</td>
              <td>{o.deadLetters}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
