import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
// eslint-disable-next-line @backstage/no-undeclared-imports -- installed by compare.mjs into a temporary directory
import { Line, LineChart, XAxis, YAxis } from 'recharts';
import type { Draw } from './types';

export const draw: Draw = (el, data, size) => {
  // Recharts wants one row per x with a key per series.
  const rows = data.timestamps.map((t, i) => {
    const row: Record<string, number | null> = { t };
    data.series.forEach((s, j) => {
      row[`s${j}`] = s.values[i];
    });
    return row;
  });
  const root = createRoot(el);
  flushSync(() =>
    root.render(
      <LineChart {...size} data={rows}>
        <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} />
        <YAxis />
        {data.series.map((s, j) => (
          <Line
            key={s.label}
            dataKey={`s${j}`}
            dot={false}
            isAnimationActive={false}
            stroke="#1f77b4"
            strokeWidth={1}
          />
        ))}
      </LineChart>,
    ),
  );
  return () => root.unmount();
};
