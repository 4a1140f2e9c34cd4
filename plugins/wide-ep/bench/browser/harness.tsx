/**
 * Page side of the browser benchmark (run.mjs bundles it with esbuild and
 * opens it in headless Chromium). Everything is timed inside the page, so no
 * DevTools round trip is counted. "commit" is React's render and DOM work,
 * JSS style sheets included; "+ layout" also forces the browser's style
 * recalculation and layout of the new cells, which a user waits for before
 * the first paint.
 */
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { createTheme, ThemeProvider } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import { RankHealthView } from '../../src/components/EntityWideEpRankCard/RankHealthView';
import { groupRanks } from '../../src/components/EntityWideEpRankCard/groupRanks';
import {
  makeFleetRankHealthResponse,
  makeLargeRankHealthResponse,
  makeRankHealthResponse,
} from '../../src/__testUtils__/rankHealthFixtures';
import { makeRankHistoryResponse } from '../../src/__testUtils__/rankHistoryFixtures';
import { RankHistoryView } from '../../src/components/EntityWideEpRankCard/history/RankHistoryPanel';
import { buildPlainDomBaseline } from '../../src/bench/plainDomBaseline';
import { fleetRoleView } from '../../src/components/EntityWideEpRankCard/fleetView';

// `#dark` in the page address draws the dark theme (for screenshots).
const dark = window.location.hash === '#dark';
const theme = createTheme({ palette: { type: dark ? 'dark' : 'light' } });
if (dark) {
  // What the app's CssBaseline does for the page around the card.
  document.documentElement.style.background = theme.palette.background.paper;
  document.documentElement.style.color = theme.palette.text.primary;
}

interface Sample {
  commit: number;
  layout: number;
}

type Mounted = { root: Root; container: HTMLElement };

function mount(element: ReactNode): Mounted {
  const container = document.createElement('div');
  container.style.width = '1200px';
  document.body.appendChild(container);
  const root = createRoot(container);
  flushSync(() =>
    root.render(<ThemeProvider theme={theme}>{element}</ThemeProvider>),
  );
  return { root, container };
}

function unmount({ root, container }: Mounted) {
  flushSync(() => root.unmount());
  container.remove();
}

/** Times `work` to its DOM commit, then to a forced style + layout. */
function timed<T>(work: () => T, layoutOf: (t: T) => HTMLElement): [T, Sample] {
  const start = performance.now();
  const result = work();
  const committed = performance.now();
  // Reading geometry forces style recalculation and layout now.
  void layoutOf(result).getBoundingClientRect().height;
  const laidOut = performance.now();
  return [result, { commit: committed - start, layout: laidOut - start }];
}

function cells(container: HTMLElement): number {
  return container.querySelectorAll('[data-row] > button').length;
}

/** Lets the browser paint and collect between runs, as between user actions. */
const idle = () => new Promise(resolve => setTimeout(resolve, 20));

async function run(runs: number, warmup: number) {
  const response = makeLargeRankHealthResponse();
  const changed = makeLargeRankHealthResponse({
    'decode/2/37': { state: 'healthy' },
    'decode/4/50': { state: 'unhealthy', reason: 'engine core died' },
    'prefill/1/3': { state: 'healthy' },
  });
  // Any Backstage page already shows MUI typography before the card mounts.
  mount(<Typography>app chrome</Typography>);
  const views = groupRanks(response);
  const out: Record<string, Sample[]> = {
    baseline: [],
    mount: [],
    refresh: [],
    click: [],
  };
  const errors: string[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const keep = i >= warmup;

    const [plain, baseline] = timed(
      () => buildPlainDomBaseline(views),
      root => root,
    );
    plain.remove();
    await idle();

    const [mounted, mountSample] = timed(
      () => mount(<RankHealthView value={response} />),
      m => m.container,
    );
    if (cells(mounted.container) !== 1024) {
      errors.push(`mount drew ${cells(mounted.container)} cells, not 1024`);
    }
    await idle();

    const target = mounted.container.querySelector<HTMLElement>(
      'button[aria-label="decode group 2 rank 37, unhealthy: /health returned 503"]',
    );
    const [, clickSample] = timed(
      () =>
        flushSync(() => {
          (target ?? mounted.container).dispatchEvent(
            new MouseEvent('click', { bubbles: true }),
          );
        }),
      () => mounted.container,
    );
    // The clicked cell becomes current: described by the details panel.
    if (!target?.getAttribute('aria-describedby')) {
      errors.push('click did not show the rank details');
    }
    await idle();
    const [, refreshSample] = timed(
      () =>
        flushSync(() =>
          mounted.root.render(
            <ThemeProvider theme={theme}>
              <RankHealthView value={changed} />
            </ThemeProvider>,
          ),
        ),
      () => mounted.container,
    );
    if (!mounted.container.textContent?.includes('degraded (1 unhealthy)')) {
      errors.push('refresh did not show the changed ranks');
    }
    await idle();

    unmount(mounted);
    await idle();

    if (keep) {
      out.baseline.push(baseline);
      out.mount.push(mountSample);
      out.refresh.push(refreshSample);
      out.click.push(clickSample);
    }
  }
  return { samples: out, errors, userAgent: navigator.userAgent };
}

const macrotask = () =>
  new Promise<void>(resolve => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

/**
 * A 60-minute history (91 columns 40 s apart, as the route answers) of 500 ranks: decode 5 groups
 * x 12 pods x 8 ranks and prefill 1 group x 2 pods x 8 (496 ranks), with
 * gaps and one busy rank, as the history route would send it.
 */
function makeHistory(ranks: 'five-hundred' | 'fleet') {
  const health =
    ranks === 'fleet'
      ? makeFleetRankHealthResponse()
      : makeRankHealthResponse({
          prefill: { groups: 1, podsPerGroup: 2, ranksPerPod: 8 },
          decode: { groups: 5, podsPerGroup: 12, ranksPerPod: 8 },
        });
  return makeRankHistoryResponse(health, {
    window: '60m',
    sample: (r, c) => {
      if ((r * 31 + c) % 97 === 0) return null;
      return r === 123 ? 60 : ((r * 7 + c) % 23) + 1;
    },
  });
}

interface ScaleSample {
  /** Render, commit and forced layout of the card's DOM. */
  layout: number;
  /** ...until uPlot and the heatmap have drawn on their canvases. */
  plots?: number;
}

/**
 * The card at scale: a 10,000-rank deployment (group tiles and the ranks
 * that are not healthy), alone and with a 500-rank history beside it; and
 * the history of all 10,000 ranks (heatmap folded to 400 rows).
 */
async function runScale(runs: number, warmup: number) {
  const fleet = makeFleetRankHealthResponse();
  const history500 = makeHistory('five-hundred');
  const history10k = makeHistory('fleet');
  const out: Record<string, ScaleSample[]> = {
    fleet: [],
    fleetWithHistory: [],
    fleetRefresh: [],
    history10k: [],
    grouping: [],
  };
  const errors: string[] = [];

  const measure = async (
    element: ReactNode,
    expectCanvases: number,
  ): Promise<[Mounted, ScaleSample]> => {
    const start = performance.now();
    const mounted = mount(element);
    void mounted.container.getBoundingClientRect().height;
    const layout = performance.now() - start;
    if (expectCanvases === 0) return [mounted, { layout }];
    // uPlot draws once its module promise and its own microtask resolve.
    for (let i = 0; i < 50; i++) {
      await macrotask();
      if (
        mounted.container.querySelectorAll('.uplot, canvas[role="img"]')
          .length >= expectCanvases
      )
        break;
    }
    void mounted.container.getBoundingClientRect().height;
    return [mounted, { layout, plots: performance.now() - start }];
  };

  for (let i = 0; i < warmup + runs; i++) {
    const keep = i >= warmup;

    // The data work alone: grouping 10,000 ranks and the tiles' counts.
    const groupingStart = performance.now();
    for (const view of groupRanks(fleet)) fleetRoleView(view, () => undefined);
    const grouping = performance.now() - groupingStart;
    await idle();

    const [alone, fleetSample] = await measure(
      <RankHealthView value={fleet} />,
      0,
    );
    if (
      alone.container.querySelectorAll('ul[aria-label$="groups"] button')
        .length !== 250
    ) {
      errors.push('10,000 ranks: not 250 group tiles');
    }
    if (!alone.container.textContent?.includes('/health returned 503')) {
      errors.push('10,000 ranks: no reason of an unhealthy rank listed');
    }
    await idle();
    const changed = {
      ...fleet,
      ranks: fleet.ranks.map((r, n) =>
        n === 4321
          ? { ...r, state: 'unhealthy' as const, reason: 'engine core died' }
          : r,
      ),
    };
    const start = performance.now();
    flushSync(() =>
      alone.root.render(
        <ThemeProvider theme={theme}>
          <RankHealthView value={changed} />
        </ThemeProvider>,
      ),
    );
    void alone.container.getBoundingClientRect().height;
    const refresh = performance.now() - start;
    if (!alone.container.textContent?.includes('engine core died')) {
      errors.push('10,000 ranks: refresh did not list the newly failed rank');
    }
    unmount(alone);
    await idle();

    const [withHistory, historySample] = await measure(
      <RankHealthView
        value={fleet}
        history={
          <RankHistoryView value={history500} preferredGroup="decode/2" />
        }
      />,
      3,
    );
    const drawn =
      withHistory.container.querySelectorAll('.uplot canvas').length;
    if (drawn !== 2)
      errors.push(`500-rank history: ${drawn} uPlot canvases, not 2`);
    unmount(withHistory);
    await idle();

    const [wide, wideSample] = await measure(
      <RankHistoryView value={history10k} preferredGroup="decode/7" />,
      3,
    );
    unmount(wide);
    await idle();

    if (keep) {
      out.fleet.push(fleetSample);
      out.fleetRefresh.push({ layout: refresh });
      out.fleetWithHistory.push(historySample);
      out.history10k.push(wideSample);
      out.grouping.push({ layout: grouping });
    }
  }
  return { samples: out, errors };
}

/** Mounts the measured view once and leaves it, for a screenshot. */
function show(which: 'grid' | 'fleet') {
  if (which === 'fleet') {
    const { container } = mount(
      <RankHealthView
        value={makeFleetRankHealthResponse()}
        history={
          <RankHistoryView
            value={makeHistory('five-hundred')}
            preferredGroup="decode/2"
          />
        }
      />,
    );
    return container.querySelectorAll('button').length;
  }
  const { container } = mount(
    <RankHealthView value={makeLargeRankHealthResponse()} />,
  );
  return cells(container);
}

Object.assign(window, {
  runBench: run,
  runScaleBench: runScale,
  showBench: show,
});
