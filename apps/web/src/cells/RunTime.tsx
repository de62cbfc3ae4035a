import { useElapsed } from './useElapsed.js';

export const formatDuration = (ms: number) =>
  ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;

/** Start time and run time of a cell; its own component so the 4-per-second tick re-renders only this text. */
export function RunTime({ cellId, startedAt, finishedAt, running }: { cellId: string; startedAt?: number; finishedAt?: number; running: boolean }) {
  const elapsed = useElapsed(startedAt, finishedAt, running);
  if (startedAt === undefined) return null;
  return (
    <>
      <span className="muted">started {new Date(startedAt).toLocaleTimeString()}</span>
      {elapsed !== undefined && (
        <span className="muted run-time" data-testid={`elapsed-${cellId}`}>
          {formatDuration(elapsed)}
        </span>
      )}
    </>
  );
}
