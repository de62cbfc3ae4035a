import { useEffect, useState } from 'react';
import { JobResults } from '@flowbook/protocol';
import { inferSettings } from '../charts/pivot.js';
import { ResultDisplay } from '../charts/ResultDisplay.js';

/**
 * The live sinks' results of a pipeline run from /pipeline: a graph job has no notebook room to push rows into, so its
 * newest rows are polled from the REST API each second while it runs (and once more when it ended).
 */
export function PipelineResults({ jobId, running }: { jobId: string; running: boolean }) {
  const [results, setResults] = useState<JobResults>();
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      const r = await fetch(`/api/v1/jobs/${encodeURIComponent(jobId)}/results`, { credentials: 'same-origin' }).catch(() => undefined);
      if (!r?.ok || stopped) return;
      setResults(JobResults.parse(await r.json()));
    };
    void poll();
    const timer = running ? setInterval(poll, 1000) : undefined;
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [jobId, running]);
  const sinks = results?.sinks.filter((s) => s.total > 0) ?? [];
  if (sinks.length === 0) return <p className="muted pipeline-results">{running ? 'Waiting for results from the live sinks…' : 'No rows reached a live sink.'}</p>;
  return (
    <div className="pipeline-results" data-testid="pipeline-results">
      {sinks.map((s) => (
        <section key={s.sink} className="sink-output" data-testid={`pipeline-sink-${s.sink}`}>
          <div className="sink-header">
            <span className="sink-name">{s.sink}</span>
            <span className="muted">{s.total.toLocaleString()} records</span>
          </div>
          <ResultDisplay rows={s.rows} settings={inferSettings(s.rows)} testId={`pipeline-chart-${s.sink}`} height={240} />
        </section>
      ))}
    </div>
  );
}
