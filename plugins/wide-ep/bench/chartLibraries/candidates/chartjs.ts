import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  // eslint-disable-next-line @backstage/no-undeclared-imports -- installed by compare.mjs into a temporary directory
} from 'chart.js';
import type { Draw } from './types';

// Tree-shaken registration; a linear x axis of Unix seconds avoids a date adapter.
Chart.register(LineController, LineElement, PointElement, LinearScale);

export const draw: Draw = (el, data, size) => {
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  el.appendChild(canvas);
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      // {x, y} points with parsing off: Chart.js's documented fast path.
      datasets: data.series.map(s => ({
        label: s.label,
        data: s.values.map((y, i) => ({ x: data.timestamps[i], y })),
        borderWidth: 1,
        pointRadius: 0,
        borderColor: '#1f77b4',
      })),
    },
    options: {
      animation: false,
      responsive: false,
      parsing: false as const,
      normalized: true,
      events: [],
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: { x: { type: 'linear' }, y: { type: 'linear' } },
    },
  });
  return () => chart.destroy();
};
