import type { JobDetail } from '@flowbook/protocol';
import { formatTime } from './format.js';

/** Every exception of the job, newest first and open, with the cell line and stack. */
export function JobExceptions({ exceptions }: { exceptions: JobDetail['exceptions'] }) {
  if (exceptions.length === 0) return null;
  return (
    <div className="job-error" data-testid="job-exceptions">
      <h2>Exceptions</h2>
      {[...exceptions].reverse().map((x, i) => (
        <details key={i} open={i === 0}>
          <summary>
            <span className="muted">{formatTime(x.at)} · attempt {x.attempt}</span> {x.message}
            {x.line !== undefined ? ` (cell line ${x.line})` : ''}
          </summary>
          {x.stack && <pre>{x.stack}</pre>}
        </details>
      ))}
    </div>
  );
}
