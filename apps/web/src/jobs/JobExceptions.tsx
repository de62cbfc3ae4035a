import type { JobDetail } from '@flowbook/protocol';
import { formatTime } from './format.js';
import { foldStack } from './stackFrames.js';

/** Every exception of the job, newest first and open, with the cell line and stack. */
export function JobExceptions({ exceptions }: { exceptions: JobDetail['exceptions'] }) {
  if (exceptions.length === 0) return <p className="muted">No exceptions.</p>;
  return (
    <div className="job-error" data-testid="job-exceptions">
      {[...exceptions].reverse().map((x, i) => (
        <details key={i} open={i === 0}>
          <summary>
            <span className="muted">{formatTime(x.at)} · attempt {x.attempt}</span> {x.message}
            {x.line !== undefined ? ` (cell line ${x.line})` : ''}
          </summary>
          {x.stack && <Stack stack={x.stack} />}
        </details>
      ))}
    </div>
  );
}

/** The user's frames in full; the engine's and Node's own frames folded, one click away. */
function Stack({ stack }: { stack: string }) {
  return (
    <pre className="job-stack" data-testid="job-stack">
      {foldStack(stack).map((p, i) =>
        p.kind === 'internal' ? (
          <details key={i} className="stack-internal">
            <summary>
              {p.lines.length} internal frame{p.lines.length === 1 ? '' : 's'}
            </summary>
            {p.lines.join('\n')}
          </details>
        ) : (
          <div key={i} className={p.kind === 'user' ? 'stack-user' : undefined}>
            {p.text}
          </div>
        ),
      )}
    </pre>
  );
}
