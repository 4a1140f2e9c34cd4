// eslint-disable-next-line @backstage/no-undeclared-imports -- installed by compare.mjs into a temporary directory
import * as echarts from 'echarts/core';
// eslint-disable-next-line @backstage/no-undeclared-imports
import { LineChart } from 'echarts/charts';
// eslint-disable-next-line @backstage/no-undeclared-imports
import { GridComponent } from 'echarts/components';
// eslint-disable-next-line @backstage/no-undeclared-imports
import { CanvasRenderer } from 'echarts/renderers';
import type { Draw } from './types';

// Tree-shaken core: only what a line chart needs, as its docs recommend.
echarts.use([LineChart, GridComponent, CanvasRenderer]);

export const draw: Draw = (el, data, size) => {
  const chart = echarts.init(el, undefined, { renderer: 'canvas', ...size });
  const x = data.timestamps.map(t => t * 1000);
  chart.setOption({
    animation: false,
    xAxis: { type: 'time' },
    yAxis: { type: 'value' },
    series: data.series.map(s => ({
      type: 'line',
      name: s.label,
      showSymbol: false,
      silent: true,
      lineStyle: { width: 1 },
      data: s.values.map((v, i) => [x[i], v]),
    })),
  });
  return () => chart.dispose();
};
