import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue } from '../charts/axisFormat.js';
import type { JobSample } from './jobSamples.js';

const time = (v: unknown) => (typeof v === 'number' ? new Date(v).toLocaleTimeString() : String(v));

/** Throughput (records in and out per second) and watermark lag over time, as the Flink dashboard's metric charts. */
export function JobRatesChart({ samples }: { samples: JobSample[] }) {
  const hasLag = samples.some((s) => s.watermarkLagS !== undefined);
  return (
    <div className="job-rate-charts" data-testid="job-rate-charts" data-samples={samples.length}>
      <h3>Throughput</h3>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={samples} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" tickFormatter={time} minTickGap={40} fontSize={12} />
          <YAxis width={64} tickFormatter={formatValue} fontSize={12} />
          <Tooltip labelFormatter={time} formatter={(v) => `${formatValue(v)} records/s`} isAnimationActive={false} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line dataKey="inPerSecond" name="records in/s" stroke="#1f77b4" dot={false} isAnimationActive={false} connectNulls />
          <Line dataKey="outPerSecond" name="records out/s" stroke="#ff7f0e" dot={false} isAnimationActive={false} connectNulls />
        </LineChart>
      </ResponsiveContainer>
      {hasLag && (
        <>
          <h3>Watermark lag</h3>
          <ResponsiveContainer width="100%" height={160}>
            <LineChart data={samples} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="at" tickFormatter={time} minTickGap={40} fontSize={12} />
              <YAxis width={64} unit=" s" tickFormatter={formatValue} fontSize={12} />
              <Tooltip labelFormatter={time} formatter={(v) => `${formatValue(v)} s`} isAnimationActive={false} />
              <Line dataKey="watermarkLagS" name="watermark lag" stroke="#2ca02c" dot={false} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </>
      )}
    </div>
  );
}
