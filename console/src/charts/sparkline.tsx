// A sparkline: one series, no axes, legend or cursor, a fixed small height.
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { UplotChart, type ChartOptions } from './uplot-chart';
import { seriesColor } from './palette';

export interface SparklineProps {
  /** Epoch seconds, ascending. */
  times: number[];
  values: Array<number | null>;
  label: string;
  color?: string;
  height?: number;
  className?: string;
}

export function Sparkline({ times, values, label, color, height = 32, className }: SparklineProps) {
  const options = useMemo<ChartOptions>(
    () => ({
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      padding: [2, 0, 2, 0],
      axes: [{ show: false }, { show: false }],
      scales: { x: { time: true }, y: { range: (_chart, min, max) => [Math.min(0, min), max > 0 ? max : 1] } },
      series: [{}, { stroke: color ?? seriesColor(0), width: 1.5, fill: `${color ?? seriesColor(0)}22`, points: { show: false } }],
    }),
    [color],
  );
  const data = useMemo<uPlot.AlignedData>(() => [times, values], [times, values]);
  return <UplotChart options={options} data={data} height={height} label={label} className={className} />;
}
