// The one React wrapper around uPlot: it owns the instance (created on mount and whenever the
// options change, destroyed on unmount), feeds it new data without rebuilding, and follows the
// container's width. Every chart in the console goes through here; no canvas code of our own.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cn } from '@/lib/utils';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

export interface UplotChartProps {
  options: ChartOptions;
  data: uPlot.AlignedData;
  height: number;
  /** Charts are images to a screen reader: say what this one shows. */
  label: string;
  className?: string;
}

export function UplotChart({ options, data, height, label, className }: UplotChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  // The latest data, so that a rebuild after an options change starts from it.
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const width = Math.max(container.clientWidth, 50);
    const chart = new uPlot({ ...options, width, height }, dataRef.current, container);
    chartRef.current = chart;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (!entry) return;
      const nextWidth = Math.max(Math.floor(entry.contentRect.width), 50);
      if (nextWidth !== chart.width) chart.setSize({ width: nextWidth, height });
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    chartRef.current?.setData(data);
  }, [data]);

  return <div ref={containerRef} role="img" aria-label={label} className={cn('w-full min-w-0', className)} />;
}
