import { useEffect, useRef, useState } from 'react';
import { ChartSettings, type Row } from '@flowbook/protocol';
import { ResultChart, SVG_POINT_BUDGET } from './ResultChart.js';

const SETTINGS = ChartSettings.parse({ type: 'line', x: 'windowEnd', y: ['value'], series: 'key' });

/**
 * `/bench/charts?series=10&points=1000&hz=10&renderer=svg|auto`: a live chart fed synthetic rows at a fixed rate,
 * measuring frames per second and update → next-frame latency. Driven by `npm run bench:ui`; not part of the product UI.
 */
export function ChartBench() {
  const q = new URLSearchParams(window.location.search);
  const series = Number(q.get('series') ?? 10);
  const points = Number(q.get('points') ?? 1000);
  const hz = Number(q.get('hz') ?? 10);
  const forceSvg = q.get('renderer') === 'svg';
  const [rows, setRows] = useState<Row[]>([]);
  const t = useRef(0);
  const pending = useRef<number[]>([]);
  const latencies = useRef<number[]>([]);
  const frames = useRef<number[]>([]);

  useEffect(() => {
    // Seed a full window of points, then append one x value (all series) per update, dropping the oldest.
    const make = (x: number): Row[] => Array.from({ length: series }, (_, s) => ({ windowEnd: 1_700_000_000_000 + x * 1000, key: `s${s}`, value: Math.sin(x / 20 + s) * 100 + s * 10 }));
    let data: Row[] = [];
    for (let x = 0; x < points; x++) data.push(...make(x));
    t.current = points;
    setRows(data);
    const timer = setInterval(() => {
      data = data.slice(series).concat(make(t.current++));
      pending.current.push(performance.now());
      setRows(data);
    }, 1000 / hz);
    let raf = 0;
    const onFrame = (now: number) => {
      frames.current.push(now);
      for (const at of pending.current) latencies.current.push(now - at);
      pending.current = [];
      raf = requestAnimationFrame(onFrame);
    };
    raf = requestAnimationFrame(onFrame);
    (window as unknown as { __chartBench: () => unknown }).__chartBench = () => {
      const f = frames.current;
      const secs = (f[f.length - 1]! - f[0]!) / 1000;
      const lat = [...latencies.current].sort((a, b) => a - b);
      const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
      return { fps: (f.length - 1) / secs, updates: lat.length, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99) };
    };
    return () => {
      clearInterval(timer);
      cancelAnimationFrame(raf);
    };
  }, [series, points, hz]);

  return (
    <div className="page" data-testid="chart-bench">
      <p className="muted">
        {series} series × {points} points, {hz} updates/s, renderer: {forceSvg || series * points <= SVG_POINT_BUDGET ? 'svg' : 'canvas'}
      </p>
      <ResultChart rows={rows} settings={SETTINGS} testId="bench-chart" forceSvg={forceSvg} />
    </div>
  );
}
