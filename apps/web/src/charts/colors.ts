/**
 * Series colours shared by every chart kind, so a group keeps its colour when the chart type changes. d3's category10
 * first, then colours picked greedily from Kelly's max-contrast set so that any two of the 18 differ by ΔE*76 ≥ 26
 * (the old 12 Tailwind hues had pairs at 7: two violets, two teals, two greens read as one series).
 */
export const COLORS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22',
  '#7f7f7f', '#0b3d91', '#882d17', '#a1caf1', '#f99379', '#2b3d26', '#c2b280', '#00a087', '#b8006b',
];

export const colorAt = (i: number): string => COLORS[i % COLORS.length]!;
