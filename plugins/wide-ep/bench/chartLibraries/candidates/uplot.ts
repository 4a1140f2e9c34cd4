import UPlot from 'uplot';
import type { Draw } from './types';

export const draw: Draw = (el, data, size) => {
  const plot = new UPlot(
    {
      ...size,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true } },
      series: [
        {},
        ...data.series.map(s => ({
          label: s.label,
          stroke: '#1f77b4',
          width: 1,
        })),
      ],
    },
    [data.timestamps, ...data.series.map(s => s.values)] as UPlot.AlignedData,
    el,
  );
  return () => plot.destroy();
};
