import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  RankHealthResponse,
  RankHistoryResponse,
} from '@internal/plugin-wide-ep-common';
import {
  wideEpApiRef,
  type GetRankHistoryOptions,
  type WideEpApi,
} from '../../../api';
import { makeRankHealthResponse } from '../../../__testUtils__/rankHealthFixtures';
import { makeRankHistoryResponse } from '../../../__testUtils__/rankHistoryFixtures';
import { EntityWideEpRankCard } from '../EntityWideEpRankCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'wide-ep',
    annotations: { 'wide-ep.backstage.io/deployment': 'wide-ep' },
  },
};

const H200 = { groups: 1, podsPerGroup: 2, ranksPerPod: 8 };

/** A fake backend: rank health, and a history built from it per request. */
function fakeApi(
  health: RankHealthResponse,
  history: (
    options: GetRankHistoryOptions,
  ) => Promise<RankHistoryResponse> = async options =>
    makeRankHistoryResponse(health, {
      metric: options.metric,
      window: options.window,
    }),
) {
  return {
    getRankHealth: jest.fn(async () => health),
    getRankHistory: jest.fn(history),
    listClusters: jest.fn(),
    preflight: jest.fn(),
    getDiff: jest.fn(),
  } satisfies WideEpApi;
}

function renderCard(api: WideEpApi, refreshIntervalMs = 0) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityWideEpRankCard refreshIntervalMs={refreshIntervalMs} />
    </EntityProvider>,
    { apis: [[wideEpApiRef, api]] },
  );
}

/** The rows of a values table as `label: latest / min / max / mean`. */
function tableRows(name: string): string[] {
  const table = screen.getByRole('table', { name });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => {
      const [head, ...cells] = Array.from(
        row.querySelectorAll('th, td'),
        c => c.textContent,
      );
      return `${head}: ${cells.join(' / ')}`;
    });
}

const historyRegion = () =>
  screen.getByRole('region', { name: 'Load over time' });

describe('rank card history', () => {
  it('plots the groups and ranks the API gave, with their values, units and source', async () => {
    const health = makeRankHealthResponse({
      prefill: H200,
      decode: H200,
      overrides: {
        'decode/0/11': { state: 'unhealthy', reason: '/health returned 503' },
      },
    });
    // Rank i has value i + column / 90 over 91 columns, so every figure below is known.
    const api = fakeApi(health, async o =>
      makeRankHistoryResponse(health, {
        metric: o.metric,
        window: o.window,
        sample: (r, c) => (c === 90 && r === 31 ? null : r + c / 90),
      }),
    );
    renderCard(api);

    const groups = await screen.findByRole('figure', {
      name: 'Running requests per group',
    });
    expect(groups).toHaveTextContent(
      "2 groups, sum over the group's ranks, last 15 minutes, in requests",
    );
    // Prefill group 0 is ranks 0..15 of the response: sum 120 at column 0, 136 at the last.
    expect(tableRows('Running requests per group: values')).toEqual([
      'prefill group 0: 136 requests / 120 requests / 136 requests / 128 requests',
      expect.stringMatching(/^decode group 0: /),
    ]);
    expect(historyRegion()).toHaveTextContent(
      'Source: Prometheus · one sample every 10 s · last 15 minutes',
    );

    // Rank lines open on the group with the failing rank: decode group 0.
    const rankTable = 'Running requests per rank, decode group 0: values';
    const rows = tableRows(rankTable);
    expect(rows).toHaveLength(16);
    expect(rows[0]).toBe(
      'decode group 0 rank 0: 17 requests / 16 requests / 17 requests / 16.5 requests',
    );
    // The last rank's final sample is missing: its latest is the one before.
    expect(rows[15]).toMatch(/^decode group 0 rank 15: 32.0 requests \//);
    expect(historyRegion()).toHaveTextContent(
      'Partial: under 1% of samples are missing (gaps in the lines).',
    );

    await userEvent.selectOptions(
      screen.getByLabelText('Ranks of'),
      'prefill/0',
    );
    expect(
      tableRows('Running requests per rank, prefill group 0: values')[3],
    ).toMatch(/^prefill group 0 rank 3: 4 requests \//);
    // 32 ranks: no heatmap yet.
    expect(screen.queryByRole('img', { name: /every rank/ })).toBeNull();
  });

  it('loads the other window and metric when switched, and says so', async () => {
    const health = makeRankHealthResponse({ decode: H200 });
    const api = fakeApi(health);
    renderCard(api);
    await screen.findByRole('figure', { name: 'Running requests per group' });
    expect(api.getRankHistory).toHaveBeenLastCalledWith(
      expect.objectContaining({
        entityRef: 'component:default/wide-ep',
        metric: 'running',
        window: '15m',
      }),
    );
    expect(
      screen.getByRole('button', { name: 'last 15 minutes' }),
    ).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(
      screen.getByRole('button', { name: 'last 60 minutes' }),
    );
    await waitFor(() =>
      expect(historyRegion()).toHaveTextContent(
        'one sample every 40 s · last 60 minutes',
      ),
    );
    expect(api.getRankHistory).toHaveBeenCalledTimes(2);
    expect(api.getRankHistory).toHaveBeenLastCalledWith(
      expect.objectContaining({ metric: 'running', window: '60m' }),
    );
    expect(
      screen.getByRole('button', { name: 'last 60 minutes' }),
    ).toHaveAttribute('aria-pressed', 'true');

    await userEvent.selectOptions(
      screen.getByLabelText('Metric'),
      'kvCacheUsage',
    );
    await screen.findByRole('figure', { name: 'KV cache usage per group' });
    expect(api.getRankHistory).toHaveBeenLastCalledWith(
      expect.objectContaining({ metric: 'kvCacheUsage', window: '60m' }),
    );
    expect(
      screen.getByRole('figure', { name: 'KV cache usage per group' }),
    ).toHaveTextContent(
      "mean over the group's ranks, last 60 minutes, in % of KV cache",
    );
  });

  it('shows the backend error with a retry, and leaves the rank grid alone', async () => {
    const health = makeRankHealthResponse({ decode: H200 });
    const unavailable = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ServiceUnavailableError',
            message:
              'Prometheus at http://prometheus:9090 did not answer: ECONNREFUSED',
          },
          response: { statusCode: 503 },
        }),
        { status: 503, headers: { 'content-type': 'application/json' } },
      ),
    );
    let fail = true;
    const api = fakeApi(health, async o => {
      if (fail) throw unavailable;
      return makeRankHistoryResponse(health, {
        metric: o.metric,
        window: o.window,
      });
    });
    renderCard(api);

    const alert = (
      await screen.findByText('Could not load the history')
    ).closest('[role="alert"]') as HTMLElement;
    expect(alert).toHaveTextContent(
      'Prometheus at http://prometheus:9090 did not answer: ECONNREFUSED (HTTP 503)',
    );
    expect(
      screen.getAllByRole('button', { name: /^decode rank \d+, healthy$/ }),
    ).toHaveLength(16);

    fail = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('figure', { name: 'Running requests per group' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Could not load the history')).toBeNull();
  });

  it('keeps the plotted history when a refresh fails, and refreshes with the card', async () => {
    jest.useFakeTimers();
    try {
      const health = makeRankHealthResponse({ decode: H200 });
      const api = fakeApi(health);
      api.getRankHistory
        .mockImplementationOnce(async o =>
          makeRankHistoryResponse(health, {
            metric: o.metric,
            window: o.window,
          }),
        )
        .mockImplementationOnce(async () => {
          throw new Error('Failed to fetch');
        });
      renderCard(api, 10_000);
      await screen.findByRole('figure', { name: 'Running requests per group' });

      await act(async () => {
        jest.advanceTimersByTime(10_000);
      });
      expect(
        await screen.findByText(/History refresh failed: Failed to fetch/),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('figure', { name: 'Running requests per group' }),
      ).toBeInTheDocument();
      expect(api.getRankHistory).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('says in words when the history is empty, partial or from probes', async () => {
    const health = makeRankHealthResponse({ decode: H200 });
    const api = fakeApi(health, async o => ({
      ...makeRankHistoryResponse(health, {
        metric: o.metric,
        window: o.window,
        source: 'probes',
        sample: () => null,
        conditions: [
          {
            type: 'NoPrometheus',
            message:
              'no Prometheus URL is configured for cluster coreweave-us-east',
          },
        ],
      }),
    }));
    renderCard(api);

    const conditions = await screen.findByRole('list', {
      name: 'History conditions',
    });
    expect(conditions).toHaveTextContent(
      'NoPrometheus: no Prometheus URL is configured for cluster coreweave-us-east',
    );
    expect(conditions).toHaveTextContent(
      'None of the 16 ranks has a sample in this window.',
    );
    expect(historyRegion()).toHaveTextContent(
      "Source: probes (the backend's own /metrics probes; no Prometheus is configured for this cluster)",
    );
    expect(tableRows('Running requests per group: values')).toEqual([
      'decode group 0: no data / no data / no data / no data',
    ]);
  });

  it('adds a heatmap of every rank for larger deployments, naming the busiest ranks', async () => {
    const health = makeRankHealthResponse({
      decode: { groups: 4, podsPerGroup: 2, ranksPerPod: 8 },
    });
    const api = fakeApi(health, async o =>
      makeRankHistoryResponse(health, {
        metric: o.metric,
        window: o.window,
        sample: r => (r === 40 ? 90 : r % 5),
      }),
    );
    renderCard(api);

    const heatmap = await screen.findByRole('img', {
      name: /^Running requests, every rank\./,
    });
    expect(heatmap).toHaveAccessibleName(
      'Running requests, every rank. Highest now: decode group 2 rank 8 (90 requests), decode group 0 rank 4 (4 requests), decode group 0 rank 9 (4 requests).',
    );
    expect(
      screen.getByRole('figure', { name: 'Running requests, every rank' }),
    ).toHaveTextContent('64 ranks top to bottom');
  });
});
