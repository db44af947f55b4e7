// A histogram over time: one bar series per count (attempts, errors), stacked visually by
// drawing the larger first. Bars come from uPlot's own bars path builder.
import { useMemo } from 'react';
import uPlot from 'uplot';
import { UplotChart, type ChartOptions } from './uplot-chart';
import { AXIS_STROKE, GRID_STROKE, seriesColor } from './palette';

export interface HistogramSeries {
  label: string;
  values: Array<number | null>;
  color?: string;
}

export interface HistogramProps {
  /** Bucket starts, epoch seconds, ascending. */
  times: number[];
  series: HistogramSeries[];
  label: string;
  height?: number;
  className?: string;
}

const bars = uPlot.paths.bars?.({ size: [0.9, 40], align: 1 });

export function Histogram({ times, series, label, height = 140, className }: HistogramProps) {
  const shape = series.map((entry) => `${entry.label}:${entry.color ?? ''}`).join('|');
  const options = useMemo<ChartOptions>(
    () => ({
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      axes: [
        { stroke: AXIS_STROKE, grid: { stroke: GRID_STROKE } },
        { stroke: AXIS_STROKE, grid: { stroke: GRID_STROKE }, size: 50 },
      ],
      scales: { x: { time: true }, y: { range: (_chart, _min, max) => [0, max > 0 ? max : 1] } },
      series: [
        {},
        ...series.map((entry, index) => ({
          label: entry.label,
          stroke: entry.color ?? seriesColor(index),
          fill: `${entry.color ?? seriesColor(index)}99`,
          ...(bars ? { paths: bars } : {}),
          points: { show: false },
        })),
      ],
    }),
    // The options depend only on the series' names and colours, not their values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [shape],
  );
  const data = useMemo<uPlot.AlignedData>(() => [times, ...series.map((entry) => entry.values)], [times, series]);
  return <UplotChart options={options} data={data} height={height} label={label} className={className} />;
}
