import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { colorAt } from './colors.js';
import type { PivotResult } from './pivot.js';
import { toColumns } from './toColumns.js';

/**
 * Canvas line/area chart for large live results. Recharts (SVG) holds 50 fps only up to ~2-3 K points at 10 Hz; uPlot
 * redraws tens of thousands on a canvas. The instance is kept and fed with setData; it is rebuilt only when series change.
 */
export function UPlotChart({ pivot, height, area, right }: { pivot: PivotResult; height: number; area: boolean; right: Set<string> }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>(undefined);
  const seriesKey = pivot.seriesKeys.map((k) => (right.has(k) ? `${k}>` : k)).join('\u0000') + (area ? '|area' : '') + (pivot.xIsTime ? '|time' : '');

  useEffect(() => {
    const el = host.current!;
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      scales: { x: { time: pivot.xIsTime }, y: {}, ...(right.size > 0 ? { y2: {} } : {}) },
      // A second axis on the right for measures of a much smaller scale (see axes.ts).
      axes: [{}, { scale: 'y' }, ...(right.size > 0 ? [{ scale: 'y2', side: 1, grid: { show: false } }] : [])],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        {},
        ...pivot.seriesKeys.map((k, i) => {
          const color = colorAt(i);
          return { label: right.has(k) ? `${k} (right axis)` : k, scale: right.has(k) ? 'y2' : 'y', stroke: color, width: 1.5, spanGaps: true, ...(area ? { fill: color + '22' } : {}), points: { show: false } };
        }),
      ],
    };
    const u = new uPlot(opts, toColumns(pivot) as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = undefined;
    };
    // Rebuilt only when the set of series or the height changes; data goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seriesKey, height]);

  useEffect(() => {
    plot.current?.setData(toColumns(pivot) as uPlot.AlignedData);
  }, [pivot]);

  return <div ref={host} className="uplot-host" />;
}
