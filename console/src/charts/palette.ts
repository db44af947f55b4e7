// Series colours. uPlot draws on a canvas, which cannot read CSS variables, so the palette is
// concrete colours chosen to stay legible on both the light and the dark theme.
export const SERIES_COLORS = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'] as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? '#2563eb';
}

/** Axis text and grid lines in a grey readable on either background. */
export const AXIS_STROKE = '#71717a';
export const GRID_STROKE = 'rgba(113, 113, 122, 0.2)';
