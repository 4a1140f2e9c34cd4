import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type { RankHealthResponse } from '@internal/plugin-wide-ep-common';
import {
  wideEpApiRef,
  type GetRankHistoryOptions,
  type WideEpApi,
} from '../../api';
import { makeRankHealthResponse } from '../../__testUtils__/rankHealthFixtures';
import { EntityWideEpRankCard } from './EntityWideEpRankCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'wide-ep',
    annotations: { 'wide-ep.backstage.io/deployment': 'wide-ep' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/platform',
  },
};

const H200 = { groups: 1, podsPerGroup: 2, ranksPerPod: 8 };

function renderCard(
  api: WideEpApi,
  options: { entity?: Entity; refreshIntervalMs?: number } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={options.entity ?? entity}>
      <EntityWideEpRankCard
        refreshIntervalMs={options.refreshIntervalMs ?? 0}
      />
    </EntityProvider>,
    { apis: [[wideEpApiRef, api]] },
  );
}

function apiReturning(
  ...responses: (RankHealthResponse | Error)[]
): jest.Mocked<WideEpApi> {
  const getRankHealth = jest.fn();
  for (const r of responses) {
    getRankHealth.mockImplementationOnce(async () => {
      if (r instanceof Error) throw r;
      return r;
    });
  }
  return {
    getRankHealth,
    // History is covered by RankHistoryPanel.test.tsx; here it never answers.
    getRankHistory: jest.fn(
      (_options: GetRankHistoryOptions) => new Promise<never>(() => {}),
    ),
    listClusters: jest.fn(),
    preflight: jest.fn(),
    getDiff: jest.fn(),
  };
}

async function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'GET', url: '/api/wide-ep/ranks' },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: name,
        headers: { 'content-type': 'application/json' },
      },
    ),
  );
}

describe('EntityWideEpRankCard', () => {
  afterEach(() => jest.useRealTimers());

  it('shows a healthy deployment with one button per rank', async () => {
    const api = apiReturning(
      makeRankHealthResponse({ prefill: H200, decode: H200 }),
    );
    renderCard(api);

    expect(
      await screen.findByText('coreweave-us-east / llm-d-wide-ep', {
        exact: false,
      }),
    ).toHaveTextContent('observed 2026-11-22 10:00:05 UTC · ✓ healthy');
    const summary = screen.getByRole('table', { name: 'Ranks per role' });
    const decodeRow = within(summary).getByRole('row', { name: /decode/ });
    expect(decodeRow).toHaveTextContent('16 of 16 ranks ready');
    expect(decodeRow).toHaveTextContent('16 GPUs');
    expect(decodeRow).toHaveTextContent('✓ healthy');
    expect(
      screen.getAllByRole('button', { name: /^decode rank \d+, healthy$/ }),
    ).toHaveLength(16);
    expect(
      screen.getAllByRole('button', { name: /^prefill rank \d+, healthy$/ }),
    ).toHaveLength(16);
    expect(
      screen.getByRole('group', {
        name: 'Pod wide-ep-decode-0-1 · node gpu-node-decode-0-1',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Legend' })).toHaveTextContent(
      'unhealthy',
    );
    expect(
      screen.getByRole('region', { name: 'Conditions' }),
    ).toHaveTextContent(
      'Available=True AllGroupsReady: All replicas are ready (LeaderWorkerSet/wide-ep-decode)',
    );
    expect(api.getRankHealth).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'component:default/wide-ep' }),
    );
  });

  it('shows a degraded deployment, the failing rank named in its label and its details on hover', async () => {
    const api = apiReturning(
      makeRankHealthResponse({
        prefill: H200,
        decode: H200,
        overrides: {
          'decode/0/11': {
            state: 'unhealthy',
            reason: '/health returned 503',
            metrics: { running: 0, waiting: 7, kvCacheUsage: 0.913 },
          },
        },
      }),
    );
    renderCard(api);

    const cell = await screen.findByRole('button', {
      name: 'decode rank 11, unhealthy: /health returned 503',
    });
    const decodeRow = within(
      screen.getByRole('table', { name: 'Ranks per role' }),
    ).getByRole('row', {
      name: /decode/,
    });
    expect(decodeRow).toHaveTextContent('15 of 16 ranks ready');
    expect(decodeRow).toHaveTextContent('✕ degraded (1 unhealthy)');
    // One rank down takes its whole EP group out of service.
    expect(decodeRow).toHaveTextContent('0 of 1');
    const decodeGroup = screen.getByRole('group', { name: 'decode group 0' });
    expect(decodeGroup).toHaveTextContent('Group 0 · 2 pods · ✕ not serving');
    expect(decodeGroup).toHaveTextContent(
      '1 of 16 ranks unhealthy (rank 11: /health returned 503); expert parallelism needs every rank, so the group does not serve',
    );
    expect(
      screen.getByRole('group', { name: 'prefill group 0' }),
    ).toHaveTextContent('Group 0 · 2 pods · ✓ serving');

    await userEvent.hover(cell);
    const details = screen.getByRole('region', { name: 'Rank details' });
    expect(details).toHaveTextContent('decode rank 11: ✕ unhealthy');
    expect(details).toHaveTextContent('/health returned 503');
    expect(details).toHaveTextContent('Podwide-ep-decode-0-1');
    expect(details).toHaveTextContent('Nodegpu-node-decode-0-1');
    expect(details).toHaveTextContent('Port8203');
    expect(details).toHaveTextContent('Waiting requests7');
    expect(details).toHaveTextContent('KV cache usage91%');
  });

  it('shows a starting deployment', async () => {
    const api = apiReturning(
      makeRankHealthResponse({
        prefill: H200,
        decode: H200,
        state: 'starting',
        overrides: { 'prefill/0/0': { state: 'healthy' } },
      }),
    );
    renderCard(api);

    expect(
      await screen.findAllByRole('button', {
        name: /^decode rank \d+, starting$/,
      }),
    ).toHaveLength(16);
    const prefillRow = within(
      screen.getByRole('table', { name: 'Ranks per role' }),
    ).getByRole('row', {
      name: /prefill/,
    });
    expect(prefillRow).toHaveTextContent('1 of 16 ranks ready');
    expect(prefillRow).toHaveTextContent('↻ starting (15 starting)');
  });

  it('asks for the annotation when the entity lacks it, without calling the backend', async () => {
    const api = apiReturning();
    renderCard(api, {
      entity: { ...entity, metadata: { name: 'plain-service' } },
    });

    expect(await screen.findByText(/missing annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/wide-ep\.backstage\.io\/deployment/).length,
    ).toBeGreaterThan(0);
    expect(api.getRankHealth).not.toHaveBeenCalled();
  });

  it('says so when the deployment has no ranks yet', async () => {
    const api = apiReturning(makeRankHealthResponse({}));
    renderCard(api);

    expect(
      await screen.findByText('No ranks reported yet.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /rank \d+/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Conditions' }),
    ).toBeInTheDocument();
  });

  it.each([
    [
      404,
      'NotFoundError',
      'no wide-EP workloads found for component:default/wide-ep',
    ],
    [
      403,
      'NotAllowedError',
      'wide-ep.health.read denied for user:default/guest',
    ],
    [400, 'InputError', 'entityRef must be kind:namespace/name'],
  ])(
    'shows the server message when the backend answers %i',
    async (status, name, message) => {
      const api = apiReturning(await responseError(status, name, message));
      renderCard(api);

      expect(
        await screen.findByText('Could not load rank health'),
      ).toBeInTheDocument();
      expect(
        screen.getByText(`${message} (HTTP ${status})`),
      ).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    },
  );

  it('warns about stale data with its reason and age', async () => {
    const api = apiReturning(
      makeRankHealthResponse({
        decode: H200,
        stale: true,
        staleReason:
          'API server of coreweave-us-east unreachable: connect ETIMEDOUT',
      }),
    );
    renderCard(api);

    const warning = await screen.findByText('Stale data');
    expect(warning.closest('[role="status"]')).toHaveTextContent(
      'Showing cached data observed at 2026-11-22 10:00:05 UTC: API server of coreweave-us-east unreachable: connect ETIMEDOUT',
    );
  });

  it('keeps the last data when a refresh fails, and refreshes every interval', async () => {
    jest.useFakeTimers();
    const api = apiReturning(
      makeRankHealthResponse({ decode: H200 }),
      new Error('Failed to fetch'),
      makeRankHealthResponse({ decode: H200, state: 'unknown' }),
    );
    renderCard(api, { refreshIntervalMs: 10_000 });
    expect(
      await screen.findAllByRole('button', {
        name: /^decode rank \d+, healthy$/,
      }),
    ).toHaveLength(16);

    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(await screen.findByText('Refresh failed')).toBeInTheDocument();
    expect(
      screen.getByText(/Failed to fetch\. Showing the last data/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('button', { name: /^decode rank \d+, healthy$/ }),
    ).toHaveLength(16);

    await act(async () => {
      jest.advanceTimersByTime(10_000);
    });
    expect(
      await screen.findAllByRole('button', {
        name: /^decode rank \d+, unknown$/,
      }),
    ).toHaveLength(16);
    expect(screen.queryByText('Refresh failed')).not.toBeInTheDocument();
    expect(api.getRankHealth).toHaveBeenCalledTimes(3);
  });

  it('pauses refreshing while the page is hidden', async () => {
    jest.useFakeTimers();
    const response = makeRankHealthResponse({ decode: H200 });
    const api: jest.Mocked<WideEpApi> = {
      getRankHealth: jest.fn(async _options => response),
      getRankHistory: jest.fn(
        (_options: GetRankHistoryOptions) => new Promise<never>(() => {}),
      ),
      listClusters: jest.fn(),
      preflight: jest.fn(),
      getDiff: jest.fn(),
    };
    const hidden = jest.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    try {
      renderCard(api, { refreshIntervalMs: 10_000 });
      await act(async () => {
        jest.advanceTimersByTime(60_000);
      });
      expect(api.getRankHealth).not.toHaveBeenCalled();

      hidden.mockReturnValue(false);
      await act(async () => {
        document.dispatchEvent(new Event('visibilitychange'));
      });
      expect(api.getRankHealth).toHaveBeenCalledTimes(1);
    } finally {
      hidden.mockRestore();
    }
  });

  it('shows details when a rank is reached with Tab and chosen with Enter, and moves with arrow keys', async () => {
    const user = userEvent.setup();
    const api = apiReturning(
      makeRankHealthResponse({
        prefill: H200,
        decode: H200,
        overrides: {
          'prefill/0/1': { state: 'unhealthy', reason: 'pod CrashLoopBackOff' },
        },
      }),
    );
    renderCard(api);
    await screen.findByRole('button', { name: 'prefill rank 0, healthy' });

    // One tab stop per role grid: the first prefill rank.
    let focused: Element | null = null;
    for (
      let i = 0;
      i < 20 && !focused?.getAttribute('aria-label')?.includes(' rank ');
      i++
    ) {
      await user.tab();
      focused = document.activeElement;
    }
    expect(focused).toHaveAccessibleName('prefill rank 0, healthy');
    await user.keyboard('{Enter}');
    const details = screen.getByRole('region', { name: 'Rank details' });
    expect(details).toHaveTextContent('prefill rank 0: ✓ healthy');
    expect(focused).toHaveAttribute('aria-describedby', details.id);

    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toHaveAccessibleName(
      'prefill rank 1, unhealthy: pod CrashLoopBackOff',
    );
    expect(details).toHaveTextContent('pod CrashLoopBackOff');

    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toHaveAccessibleName(
      'prefill rank 9, healthy',
    );
    await user.keyboard('{End}');
    expect(document.activeElement).toHaveAccessibleName(
      'prefill rank 15, healthy',
    );

    // Tab leaves the prefill grid for the decode grid's single tab stop.
    await user.tab();
    expect(document.activeElement).toHaveAccessibleName(
      'decode rank 0, healthy',
    );
  });

  it('names the group in labels when a role has several groups', async () => {
    const api = apiReturning(
      makeRankHealthResponse({
        decode: { groups: 2, podsPerGroup: 1, ranksPerPod: 8 },
      }),
    );
    renderCard(api);

    expect(
      await screen.findByRole('button', {
        name: 'decode group 1 rank 7, healthy',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'decode group 1' }),
    ).toHaveTextContent('Group 1 · 1 pod');
  });
});
