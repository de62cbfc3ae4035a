import { InvalidInputError } from './InvalidInputError.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--timeout` values: `10s`, `1.5m`, `500ms`, `2h`, or a bare number of milliseconds; anything else is an error. */
export function parseDuration(text: string, option = '--timeout'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 'ms']! : NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidInputError(`${option} needs a positive duration such as 10s, 500ms, 2m or 1h, got "${text}"`);
  return Math.round(ms);
}
