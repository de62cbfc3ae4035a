import { useState } from 'react';
import { RestorePoints } from '@flowbook/protocol';

/**
 * "Resume from…" next to Run: runs the cell again from its latest checkpoint or a chosen checkpoint or savepoint
 * (kept per cell by the server). The list is fetched when the menu opens.
 */
export function ResumeMenu({ notebook, cellId, onResume }: { notebook: string; cellId: string; onResume(restore: string): void }) {
  const [points, setPoints] = useState<RestorePoints['restorePoints']>();
  const [error, setError] = useState<string>();
  const load = async () => {
    try {
      const r = await fetch(`/api/v1/notebooks/${notebook.split('/').map(encodeURIComponent).join('/')}/cells/${encodeURIComponent(cellId)}/restore-points`, { credentials: 'same-origin' });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error ?? `HTTP ${r.status}`);
      setPoints(RestorePoints.parse(body).restorePoints);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <details className="resume-menu" onToggle={(e) => (e.currentTarget.open ? void load() : undefined)} data-testid={`resume-${cellId}`}>
      <summary title="Run again from a checkpoint or savepoint">Resume from…</summary>
      <div className="resume-list">
        {error && <p className="error">{error}</p>}
        {points === undefined && !error && <p className="muted">Loading…</p>}
        {points?.length === 0 && <p className="muted">No checkpoints yet: the cell must call env.enableCheckpointing(ms) and run.</p>}
        {points !== undefined && points.length > 0 && (
          <>
            <button onClick={() => onResume('latest')} data-testid={`resume-latest-${cellId}`}>
              Latest checkpoint
            </button>
            {points.map((p) => (
              <button key={p.name} onClick={() => onResume(p.name)}>
                {p.kind} {p.kind === 'checkpoint' ? p.id : ''} · {new Date(p.timestamp).toLocaleString()} · {(p.sizeBytes / 1024).toFixed(1)} KiB
              </button>
            ))}
          </>
        )}
      </div>
    </details>
  );
}
