import { memo, useMemo } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartSettings, Row } from '@flowbook/protocol';
import { categoryInterval, formatValue, formatX } from './axisFormat.js';
import { rightAxisSeries } from './axes.js';
import { colorAt } from './colors.js';
import { PieView } from './PieView.js';
import { pivot } from './pivot.js';
import { ScatterView } from './ScatterView.js';
import { UPlotChart } from './UPlotChart.js';

/** Above this many plotted points an SVG chart cannot keep 50 fps at 10 updates a second (measured: README). */
export const SVG_POINT_BUDGET = 2000;

interface Props {
  rows: Row[];
  settings: ChartSettings;
  testId: string;
  height?: number;
  forceSvg?: boolean;
}

/** A live chart of a sink's rows, drawn per the cell's (or inferred) chart settings. Animation off: updates arrive often. */
export const ResultChart = memo(function ResultChart(props: Props) {
  if (props.settings.type === 'scatter') return <ScatterView rows={props.rows} settings={props.settings} testId={props.testId} height={props.height ?? 280} maxRows={SVG_POINT_BUDGET} />;
  return <PivotChart {...props} />;
});

/** The chart kinds drawn from the pivot (keys × groups × aggregated values): line, area, bar and pie. */
function PivotChart({ rows, settings, testId, height = 280, forceSvg = false }: Props) {
  const p = useMemo(() => pivot(rows, settings), [rows, settings]);
  const right = useMemo(() => rightAxisSeries(p), [p]);
  if (settings.type === 'pie') return <PieView pivot={p} testId={testId} height={height} />;
  // Large live line/area charts go to a canvas renderer with the same data and look (see UPlotChart).
  if (!forceSvg && (settings.type === 'line' || settings.type === 'area') && p.points > SVG_POINT_BUDGET) {
    return (
      <div className="result-chart" data-testid={testId} data-points={p.points} data-renderer="canvas" data-right-axis={[...right].join(',')}>
        <UPlotChart pivot={p} height={height} area={settings.type === 'area'} right={right} />
      </div>
    );
  }
  const common = {
    data: p.data,
    margin: { top: 8, right: 24, bottom: 8, left: 8 },
  };
  const axes = [
    <CartesianGrid key="g" strokeDasharray="3 3" stroke="#e5e7eb" />,
    <XAxis key="x" dataKey="x" tickFormatter={formatX(p.xIsTime)} minTickGap={24} interval={categoryInterval(p.data.length, p.data.some((d) => typeof d.x === 'string'))} fontSize={12} />,
    <YAxis key="y" yAxisId="left" fontSize={12} width={56} tickFormatter={formatValue} />,
    // Measures of a much smaller scale get their own axis on the right (named in the legend), instead of lying flat.
    ...(right.size > 0 ? [<YAxis key="y2" yAxisId="right" orientation="right" fontSize={12} width={56} tickFormatter={formatValue} />] : []),
    <Tooltip key="t" labelFormatter={formatX(p.xIsTime)} formatter={formatValue} isAnimationActive={false} />,
    <Legend key="l" wrapperStyle={{ fontSize: 12 }} />,
  ];
  const axisOf = (k: string) => (right.has(k) ? 'right' : 'left');
  const nameOf = (k: string) => (right.has(k) ? `${k} (right axis)` : k);
  let chart;
  if (settings.type === 'bar') {
    chart = (
      <BarChart {...common}>
        {axes}
        {p.seriesKeys.map((k, i) => (
          <Bar key={k} dataKey={k} yAxisId={axisOf(k)} name={nameOf(k)} fill={colorAt(i)} isAnimationActive={false} />
        ))}
      </BarChart>
    );
  } else if (settings.type === 'area') {
    chart = (
      <AreaChart {...common}>
        {axes}
        {p.seriesKeys.map((k, i) => (
          <Area key={k} dataKey={k} yAxisId={axisOf(k)} name={nameOf(k)} stroke={colorAt(i)} fill={colorAt(i)} fillOpacity={0.15} isAnimationActive={false} connectNulls />
        ))}
      </AreaChart>
    );
  } else {
    chart = (
      <LineChart {...common}>
        {axes}
        {p.seriesKeys.map((k, i) => (
          <Line key={k} dataKey={k} yAxisId={axisOf(k)} name={nameOf(k)} stroke={colorAt(i)} dot={false} strokeWidth={1.8} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    );
  }
  return (
    <div className="result-chart" data-testid={testId} data-points={p.points} data-right-axis={[...right].join(',')}>
      <ResponsiveContainer width="100%" height={height}>
        {chart}
      </ResponsiveContainer>
    </div>
  );
}
