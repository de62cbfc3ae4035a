/**
 * The young generation Flowbook gives a job's JavaScript heap (server job workers, the CLI, the benchmark).
 *
 * Window contents, timers and fired results live for a watermark interval or longer, so a job's young objects survive
 * more often than a web server's; with V8's default 16 MiB semi-spaces every scavenge copies them again (Nexmark q4 and
 * q5 spent much of their time in scavenges: packages/engine/bench/results/). It costs up to that much memory per job,
 * which FLOWBOOK_YOUNG_GENERATION_MB lowers (or raises).
 */
export const DEFAULT_YOUNG_GENERATION_MB = 192;

/** V8 sizes the young generation as three semi-spaces (two for copying, one for large new objects). */
export const semiSpaceMbOf = (youngGenerationMb: number): number => Math.max(1, Math.floor(youngGenerationMb / 3));

/** FLOWBOOK_YOUNG_GENERATION_MB, checked; the default when unset. */
export function youngGenerationMb(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FLOWBOOK_YOUNG_GENERATION_MB;
  if (raw === undefined || raw === '') return DEFAULT_YOUNG_GENERATION_MB;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 3 || mb > 3072) throw new Error(`FLOWBOOK_YOUNG_GENERATION_MB must be a whole number of MiB from 3 to 3072, got "${raw}"`);
  return mb;
}
