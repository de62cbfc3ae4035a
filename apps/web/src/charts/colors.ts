/** Series colours shared by every chart kind, so a group keeps its colour when the chart type changes. */
export const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#4f46e5', '#0d9488', '#9333ea'];

export const colorAt = (i: number): string => COLORS[i % COLORS.length]!;
