// A line chart of several series on one time axis, with a legend: the overview's rates and the
// channel timeline use it.
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { UplotChart, type ChartOptions } from './uplot-chart';
import { AXIS_STROKE, GRID_STROKE, seriesColor } from './palette';

export interface TimeSeriesLine {
  label: string;
  values: Array<number | null>;
  color?: string;
  /** Right-hand axis (a second unit, such as a share next to a score). */
  secondary?: boolean;
}

export interface TimeSeriesProps {
  /** Epoch seconds, ascending. */
  times: number[];
  lines: TimeSeriesLine[];
  label: string;
  height?: number;
  className?: string;
  format?: (value: number) => string;
}

export function TimeSeries({ times, lines, label, height = 200, className, format }: TimeSeriesProps) {
  const shape = lines.map((line) => `${line.label}:${line.color ?? ''}:${line.secondary ? 1 : 0}`).join('|');
  const hasSecondary = lines.some((line) => line.secondary);
  const options = useMemo<ChartOptions>(
    () => ({
      legend: { show: true },
      axes: [
        { stroke: AXIS_STROKE, grid: { stroke: GRID_STROKE } },
        { stroke: AXIS_STROKE, grid: { stroke: GRID_STROKE }, size: 56, ...(format ? { values: (_chart: uPlot, ticks: number[]) => ticks.map(format) } : {}) },
        ...(hasSecondary ? [{ scale: 'secondary', side: 1 as const, stroke: AXIS_STROKE, grid: { show: false }, size: 50 }] : []),
      ],
      scales: { x: { time: true } },
      series: [
        {},
        ...lines.map((line, index) => ({
          label: line.label,
          stroke: line.color ?? seriesColor(index),
          width: 1.5,
          points: { show: false },
          ...(line.secondary ? { scale: 'secondary' } : {}),
        })),
      ],
    }),
    // Rebuilt only when the set of lines changes, not on every new value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [shape, hasSecondary],
  );
  const data = useMemo<uPlot.AlignedData>(() => [times, ...lines.map((line) => line.values)], [times, lines]);
  return <UplotChart options={options} data={data} height={height} label={label} className={className} />;
}
