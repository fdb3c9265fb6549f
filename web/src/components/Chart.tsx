// A uPlot chart of daily series (days as x), redrawn in place when the data change, sized to its
// container. Bars for an epidemic curve, lines otherwise.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: number[];
  colour: string;
}

function dayTime(day: string): number {
  return Date.parse(`${day}T00:00:00+07:00`) / 1000;
}

export function Chart(props: { days: string[]; series: ChartSeries[]; bars?: boolean; height?: number; testid?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = `${props.series.map((s) => s.label).join('|')}:${props.bars ? 'bars' : 'lines'}`;
  const data: uPlot.AlignedData = [props.days.map(dayTime), ...props.series.map((s) => s.values)];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: el.clientWidth || 320,
      height: props.height ?? 180,
      legend: { show: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{ space: 50 }, { size: 40 }],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          fill: props.bars ? s.colour : undefined,
          width: 2,
          paths: props.bars ? uPlot.paths.bars!({ size: [0.7, 40] }) : undefined,
          points: { show: !props.bars },
        })),
      ],
    };
    plot.current = new uPlot(opts, data, el);
    const resize = () => plot.current?.setSize({ width: el.clientWidth || 320, height: props.height ?? 180 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return <div ref={box} class="chart" data-testid={props.testid} />;
}
