import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
// eslint-disable-next-line @backstage/no-undeclared-imports -- installed by compare.mjs into a temporary directory
import { Axis, LineSeries, XYChart } from '@visx/xychart';
import type { Draw } from './types';

type Point = { t: number; v: number | null };
const x = (p: Point) => p.t;
const y = (p: Point) => p.v as number;

export const draw: Draw = (el, data, size) => {
  const root = createRoot(el);
  flushSync(() =>
    root.render(
      <XYChart
        {...size}
        xScale={{ type: 'linear' }}
        yScale={{ type: 'linear' }}
        pointerEventsDataKey="nearest"
      >
        <Axis orientation="bottom" />
        <Axis orientation="left" />
        {data.series.map(s => (
          <LineSeries
            key={s.label}
            dataKey={s.label}
            data={s.values.map((v, i) => ({ t: data.timestamps[i], v }))}
            xAccessor={x}
            yAccessor={y}
          />
        ))}
      </XYChart>,
    ),
  );
  return () => root.unmount();
};
