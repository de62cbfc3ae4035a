import { memo, useMemo } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartSettings, Row } from '@flowbook/protocol';
import { pivot } from './pivot.js';
import { UPlotChart } from './UPlotChart.js';

/** Above this many plotted points an SVG chart cannot keep 50 fps at 10 updates a second (measured: README). */
export const SVG_POINT_BUDGET = 2000;

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#4f46e5', '#0d9488', '#9333ea'];

const formatX = (isTime: boolean) => (v: unknown) => (isTime && typeof v === 'number' ? new Date(v).toLocaleTimeString() : String(v));

/** A live chart of a sink's rows, drawn per the cell's (or inferred) chart settings. Animation off: updates arrive often. */
export const ResultChart = memo(function ResultChart({ rows, settings, testId, height = 280, forceSvg = false }: { rows: Row[]; settings: ChartSettings; testId: string; height?: number; forceSvg?: boolean }) {
  const p = useMemo(() => pivot(rows, settings), [rows, settings]);
  // Large live line/area charts go to a canvas renderer with the same data and look (see UPlotChart).
  if (!forceSvg && (settings.type === 'line' || settings.type === 'area') && p.points > SVG_POINT_BUDGET) {
    return (
      <div className="result-chart" data-testid={testId} data-points={p.points} data-renderer="canvas">
        <UPlotChart pivot={p} height={height} area={settings.type === 'area'} />
      </div>
    );
  }
  const common = {
    data: p.data,
    margin: { top: 8, right: 24, bottom: 8, left: 8 },
  };
  const axes = [
    <CartesianGrid key="g" strokeDasharray="3 3" stroke="#e5e7eb" />,
    <XAxis key="x" dataKey="x" tickFormatter={formatX(p.xIsTime)} minTickGap={24} fontSize={12} />,
    <YAxis key="y" fontSize={12} width={56} />,
    <Tooltip key="t" labelFormatter={formatX(p.xIsTime)} isAnimationActive={false} />,
    <Legend key="l" wrapperStyle={{ fontSize: 12 }} />,
  ];
  const color = (i: number) => COLORS[i % COLORS.length]!;
  let chart;
  if (settings.type === 'bar') {
    chart = (
      <BarChart {...common}>
        {axes}
        {p.seriesKeys.map((k, i) => (
          <Bar key={k} dataKey={k} fill={color(i)} isAnimationActive={false} />
        ))}
      </BarChart>
    );
  } else if (settings.type === 'area') {
    chart = (
      <AreaChart {...common}>
        {axes}
        {p.seriesKeys.map((k, i) => (
          <Area key={k} dataKey={k} stroke={color(i)} fill={color(i)} fillOpacity={0.15} isAnimationActive={false} connectNulls />
        ))}
      </AreaChart>
    );
  } else {
    chart = (
      <LineChart {...common}>
        {axes}
        {p.seriesKeys.map((k, i) => (
          <Line key={k} dataKey={k} stroke={color(i)} dot={false} strokeWidth={1.8} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    );
  }
  return (
    <div className="result-chart" data-testid={testId} data-points={p.points}>
      <ResponsiveContainer width="100%" height={height}>
        {chart}
      </ResponsiveContainer>
    </div>
  );
});
