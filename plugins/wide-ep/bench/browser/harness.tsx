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
import { makeLargeRankHealthResponse } from '../../src/__testUtils__/rankHealthFixtures';
import { buildPlainDomBaseline } from '../../src/bench/plainDomBaseline';

const theme = createTheme();

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

/** Mounts the measured view once and leaves it, for a screenshot. */
function show() {
  const { container } = mount(
    <RankHealthView value={makeLargeRankHealthResponse()} />,
  );
  return cells(container);
}

Object.assign(window, { runBench: run, showBench: show });
