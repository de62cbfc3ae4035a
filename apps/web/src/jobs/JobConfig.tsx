import type { JobDetail } from '@flowbook/protocol';

/** How the job runs: parallelism, checkpointing, restart strategy, watermark interval (Flink's configuration tab). */
export function JobConfig({ config }: { config: JobDetail['config'] }) {
  if (!config) return <p className="muted">This job reported no configuration.</p>;
  return (
    <div className="job-config" data-testid="job-config">
      <dl className="job-facts">
        <dt>Parallelism</dt>
        <dd>
          {config.parallelism} (max {config.maxParallelism})
        </dd>
        <dt>Checkpoint interval</dt>
        <dd>{config.checkpointInterval !== undefined ? `${config.checkpointInterval} ms` : 'checkpointing off'}</dd>
        <dt>Restart strategy</dt>
        <dd>{describeRestartStrategy(config.restartStrategy)}</dd>
        <dt>Watermark interval</dt>
        <dd>{config.autoWatermarkInterval} ms</dd>
      </dl>
    </div>
  );
}

function describeRestartStrategy(s: Record<string, unknown> | undefined): string {
  if (!s) return 'none';
  switch (s.type) {
    case 'fixed-delay':
      return `fixed delay: ${s.attempts} attempts, ${s.delayMs} ms apart`;
    case 'exponential-delay':
      return `exponential delay: ${s.initialBackoffMs} ms × ${s.backoffMultiplier} up to ${s.maxBackoffMs} ms`;
    case 'failure-rate':
      return `failure rate: at most ${s.maxFailuresPerInterval} per ${s.failureRateIntervalMs} ms, ${s.delayMs} ms delay`;
    default:
      return 'no restart';
  }
}
