/** Formatting shared by the jobs pages. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  // Event time from a source that starts in the past: "26848h" reads as nothing, "3.1 y" does.
  const d = Math.floor(h / 24);
  if (d < 365) return `${d}d ${h % 24}h`;
  return `${(d / 365).toFixed(1)} y`;
}

export function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}K` : String(n);
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

/** Event-time lag: how far the watermark is behind the wall clock. */
export function watermarkLag(watermark: number | null, now = Date.now()): string {
  if (watermark === null) return '—';
  if (watermark >= Number.MAX_SAFE_INTEGER) return 'end of input';
  return formatDuration(Math.max(0, now - watermark));
}

export function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}
