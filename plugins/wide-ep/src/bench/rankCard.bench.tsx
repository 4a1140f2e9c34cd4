/**
 * Render benchmark of the rank-health card with 1,024 ranks (128 pods x 8)
 * in jsdom, where React's work can be profiled per phase and the full card
 * with its API hook runs as in the tests. jsdom's DOM is several times slower
 * than a browser's, so the render target is measured in Chromium by
 * `npm run bench:card` (bench/browser); this one compares the mount with a
 * plain-DOM baseline of the same run. Not part of the test run (the file name
 * does not match `*.test.tsx`); run it with
 * `npm run bench:card:jsdom -w @internal/plugin-wide-ep`.
 *
 * No React Testing Library here: `act` does not exist in React's production
 * build, so renders are flushed with `flushSync`. Each timing is reported as
 * wall-clock and as CPU time of this process (all threads, GC included); on a
 * shared machine the second is less sensitive to other processes. A plain-DOM
 * baseline shows what jsdom itself costs at the moment of the run.
 */
/* eslint-disable no-restricted-imports, @backstage/no-undeclared-imports --
   a Node-only benchmark run by Jest like the tests; never bundled */
import { cpus, loadavg } from 'os';
import { Profiler, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { createTheme, ThemeProvider } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { wideEpApiRef } from '../api';
import { makeLargeRankHealthResponse } from '../__testUtils__/rankHealthFixtures';
import { RankHealthView } from '../components/EntityWideEpRankCard/RankHealthView';
import { groupRanks } from '../components/EntityWideEpRankCard/groupRanks';
import { EntityWideEpRankCard } from '../components/EntityWideEpRankCard';
import { buildPlainDomBaseline } from './plainDomBaseline';

const RUNS = Number(process.env.BENCH_RUNS ?? 31);
const WARMUP = 5;

const theme = createTheme();

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'wide-ep',
    annotations: { 'wide-ep.backstage.io/deployment': 'wide-ep' },
  },
};

interface Timing {
  wall: number;
  cpu: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function startTimer(): () => Timing {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      wall: performance.now() - wall,
      cpu: (used.user + used.system) / 1000,
    };
  };
}

function mount(element: ReactNode): { root: Root; container: HTMLElement } {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  flushSync(() =>
    root.render(<ThemeProvider theme={theme}>{element}</ThemeProvider>),
  );
  return { root, container };
}

function unmount({ root, container }: { root: Root; container: HTMLElement }) {
  flushSync(() => root.unmount());
  container.remove();
}

function rankButtons(container: HTMLElement): number {
  return container.querySelectorAll('[data-row] > button').length;
}

/**
 * Runs `fn` WARMUP + RUNS times and returns the timings of the measured runs.
 * Garbage collection is left to V8, as in a browser, so the median includes
 * the collections the renders cause.
 */
async function measure(fn: () => Promise<Timing> | Timing): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const timing = await fn();
    if (i >= WARMUP) timings.push(timing);
  }
  return timings;
}

function line(name: string, timings: Timing[]): string {
  const fmt = (n: number) => n.toFixed(1).padStart(6);
  const wall = timings.map(t => t.wall);
  const cpu = timings.map(t => t.cpu);
  return `${name.padEnd(46)} wall median ${fmt(median(wall))} ms (min ${fmt(
    Math.min(...wall),
  )}, max ${fmt(Math.max(...wall))})  cpu median ${fmt(median(cpu))} ms`;
}

describe('rank card render benchmark', () => {
  jest.setTimeout(600_000);

  it('renders 1,024 ranks', async () => {
    // React Testing Library, imported by the test utils, turns this on.
    (
      globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
    ).IS_REACT_ACT_ENVIRONMENT = false;
    const response = makeLargeRankHealthResponse();
    expect(response.ranks).toHaveLength(1024);
    expect(new Set(response.ranks.map(r => r.pod)).size).toBe(128);
    const loadBefore = loadavg()[0];

    // Any Backstage page already shows MUI typography, so its style sheet is
    // attached before the card mounts; the card's own sheets are not.
    mount(<Typography>app chrome</Typography>);

    // The floor on this machine right now: the same 1,024 buttons and 128 pod
    // rows created with plain DOM calls, no React, no styles.
    const views = groupRanks(response);
    const baseline = await measure(() => {
      const stop = startTimer();
      const root = buildPlainDomBaseline(views);
      const timing = stop();
      root.remove();
      return timing;
    });

    const mountView = await measure(() => {
      const stop = startTimer();
      const mounted = mount(<RankHealthView value={response} />);
      const timing = stop();
      expect(rankButtons(mounted.container)).toBe(1024);
      unmount(mounted);
      return timing;
    });

    const refresh = await measure(() => {
      const mounted = mount(<RankHealthView value={response} />);
      const next = makeLargeRankHealthResponse({
        'decode/2/37': { state: 'healthy' },
        'decode/4/50': { state: 'unhealthy', reason: 'engine core died' },
        'prefill/1/3': { state: 'healthy' },
      });
      const stop = startTimer();
      // Same element tree as the mount, so React updates instead of remounting.
      flushSync(() =>
        mounted.root.render(
          <ThemeProvider theme={theme}>
            <RankHealthView value={next} />
          </ThemeProvider>,
        ),
      );
      const timing = stop();
      expect(mounted.container.textContent).toContain(
        '768 GPUs✕ degraded (1 unhealthy)',
      );
      unmount(mounted);
      return timing;
    });

    // flushSync commits the click's update (a discrete event, so SyncLane)
    // before returning; a hover's update is continuous and would be scheduled.
    const select = await measure(() => {
      const mounted = mount(<RankHealthView value={response} />);
      const cell = mounted.container.querySelector<HTMLElement>(
        'button[aria-label="decode group 2 rank 37, unhealthy: /health returned 503"]',
      )!;
      const stop = startTimer();
      flushSync(() => {
        cell.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      });
      const timing = stop();
      expect(mounted.container.textContent).toContain('/health returned 503');
      unmount(mounted);
      return timing;
    });

    // The history never answers here: this times the rank health as before;
    // bench:card times the history plots in Chromium.
    const api = {
      getRankHealth: async () => response,
      getRankHistory: () => new Promise<never>(() => {}),
    };
    const fullCard = await measure(async () => {
      const stop = startTimer();
      const mounted = mount(
        <TestApiProvider apis={[[wideEpApiRef, api]]}>
          <EntityProvider entity={entity}>
            <EntityWideEpRankCard refreshIntervalMs={0} />
          </EntityProvider>
        </TestApiProvider>,
      );
      while (rankButtons(mounted.container) < 1024) {
        await new Promise(resolve => setTimeout(resolve, 0));
      }
      const timing = stop();
      unmount(mounted);
      return timing;
    });

    const renderPhase: number[] = [];
    if (process.env.NODE_ENV !== 'production') {
      await measure(() => {
        const stop = startTimer();
        const mounted = mount(
          <Profiler
            id="view"
            onRender={(_id, _phase, actual) => renderPhase.push(actual)}
          >
            <RankHealthView value={response} />
          </Profiler>,
        );
        unmount(mounted);
        return stop();
      });
    }

    const build =
      process.env.NODE_ENV === 'production' ? 'production' : 'development';
    const mountMedian = median(mountView.map(t => t.wall));
    const report = [
      '',
      `Rank card render benchmark: 1,024 ranks (128 pods x 8), jsdom, React ${build} build,`,
      `MUI typography styles attached beforehand (as on any Backstage page), the card's own styles not;`,
      `median of ${RUNS} runs after ${WARMUP} warm-up runs; 1-min load average ${loadBefore.toFixed(
        1,
      )} -> ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`,
      line('baseline: same 1,024 buttons, plain DOM calls', baseline),
      line('RankHealthView mount (render + DOM)', mountView),
      line('refresh: new response, 3 ranks changed', refresh),
      line('click a rank (details panel update)', select),
      line('full card: mount to 1,024 cells (API mock)', fullCard),
      renderPhase.length
        ? `  React render phase of the mount (Profiler): median ${median(
            renderPhase.slice(WARMUP),
          ).toFixed(1)} ms`
        : '  (React Profiler timings exist only in the development build)',
      `mount / plain-DOM baseline: ${(
        mountMedian / median(baseline.map(t => t.wall))
      ).toFixed(
        1,
      )}x (the < 50 ms target is measured in Chromium: npm run bench:card)`,
      '',
    ].join('\n');
    process.stdout.write(`${report}\n`);
  });
});
