import { useMemo } from 'react';
import { Legend, Pie, PieChart, ResponsiveContainer, Tooltip } from 'recharts';
import { formatValue, formatX } from './axisFormat.js';
import { colorAt } from './colors.js';
import { pieSlices } from './pieSlices.js';
import type { PivotResult } from './pivot.js';

const OTHER_COLOR = '#9ca3af';

/** Each slice's share, outside it; slivers get none, their labels would overlap. */
const sliceLabel = ({ percent }: { percent?: number }) => (percent !== undefined && percent >= 0.03 ? `${Math.round(percent * 100)}%` : '');

/** A pie of the pivot: each key's aggregated value as a share of the whole (see pieSlices). */
export function PieView({ pivot, testId, height }: { pivot: PivotResult; testId: string; height: number }) {
  // Colours by key order, not by size: a month keeps its colour when a live update changes which slice is largest.
  const slices = useMemo(() => pieSlices(pivot, formatX(pivot.xIsTime)).map((s) => ({ ...s, fill: s.order < 0 ? OTHER_COLOR : colorAt(s.order) })), [pivot]);
  return (
    <div className="result-chart" data-testid={testId} data-points={pivot.points} data-slices={slices.length}>
      <ResponsiveContainer width="100%" height={height}>
        <PieChart margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <Pie data={slices} dataKey="value" nameKey="name" outerRadius="78%" isAnimationActive={false} stroke="#fff" label={sliceLabel} labelLine={false} />
          <Tooltip formatter={formatValue} isAnimationActive={false} />
          <Legend layout="vertical" position="right" wrapperStyle={{ fontSize: 12 }} />
        </PieChart>
      </ResponsiveContainer>
    </div>
  );
}
