import { useMemo } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartSettings, Row } from '@flowbook/protocol';
import { categoryInterval, formatValue, formatX } from './axisFormat.js';
import { colorAt } from './colors.js';
import { scatterData } from './scatter.js';

/** One point per row (see scatterData), x by the key field, y by each value field, one colour per group. */
export function ScatterView({ rows, settings, testId, height, maxRows }: { rows: Row[]; settings: ChartSettings; testId: string; height: number; maxRows: number }) {
  const d = useMemo(() => scatterData(rows, settings, maxRows), [rows, settings, maxRows]);
  const fx = formatX(d.xIsTime);
  return (
    <div className="result-chart" data-testid={testId} data-points={d.points}>
      <ResponsiveContainer width="100%" height={height}>
        <ScatterChart margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis
            dataKey="x"
            name={settings.x}
            type={d.xIsNumber ? 'number' : 'category'}
            domain={['auto', 'auto']}
            allowDuplicatedCategory={false}
            tickFormatter={fx}
            minTickGap={24}
            interval={categoryInterval(new Set(d.series.flatMap((s) => s.points.map((pt) => pt.x))).size, !d.xIsNumber)}
            fontSize={12}
          />
          <YAxis dataKey="y" name={settings.y.length === 1 ? settings.y[0] : 'value'} type="number" fontSize={12} width={56} tickFormatter={formatValue} />
          <Tooltip cursor={{ strokeDasharray: '3 3' }} formatter={(v, name) => [name === settings.x ? fx(v) : formatValue(v), name]} isAnimationActive={false} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {d.series.map((s, i) => (
            <Scatter key={s.key} name={s.key} data={s.points} fill={colorAt(i)} isAnimationActive={false} />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
