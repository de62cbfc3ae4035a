import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { JobDetail } from '@flowbook/protocol';

type History = NonNullable<JobDetail['checkpoints']>['history'];

/** Checkpoint durations (bars) and sizes (line) by checkpoint id, as in Flink's checkpoint history. */
export function CheckpointChart({ history }: { history: History }) {
  const data = history.map((h) => ({ id: h.id, duration: h.durationMs, sizeKiB: +(h.sizeBytes / 1024).toFixed(1), failed: h.status === 'failed' ? h.durationMs : 0 }));
  return (
    <div className="checkpoint-chart" data-testid="checkpoint-chart">
      <ResponsiveContainer width="100%" height={200}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="id" />
          <YAxis yAxisId="ms" unit=" ms" width={70} />
          <YAxis yAxisId="kib" orientation="right" unit=" KiB" width={80} />
          <Tooltip />
          <Legend />
          <Bar yAxisId="ms" dataKey="duration" name="duration" fill="#4c78a8" isAnimationActive={false} />
          <Bar yAxisId="ms" dataKey="failed" name="failed" fill="#e45756" isAnimationActive={false} />
          <Line yAxisId="kib" dataKey="sizeKiB" name="size" stroke="#f58518" dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
