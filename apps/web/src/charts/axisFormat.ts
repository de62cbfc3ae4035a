/** Axis, tooltip and slice labels: epoch milliseconds as a time of day on time axes, anything else as text. */
export const formatX =
  (isTime: boolean) =>
  (v: unknown): string =>
    isTime && typeof v === 'number' ? new Date(v).toLocaleTimeString() : String(v);

/** Values on axes and in tooltips: averages have long fractions, two decimals are plenty to read. */
export const formatValue = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString(undefined, { maximumFractionDigits: 2 }) : String(v));

/** A handful of named keys (months, products) are all labelled; Recharts would otherwise drop some to keep gaps. */
export const categoryInterval = (count: number, categorical: boolean): number | 'preserveEnd' => (categorical && count <= 24 ? 0 : 'preserveEnd');
