import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import type { RankHealthResponse } from '@internal/plugin-wide-ep-common';
import { wideEpApiRef, type WideEpApi } from '../../api';
import { makeFleetRankHealthResponse } from '../../__testUtils__/rankHealthFixtures';
import { EntityWideEpRankCard } from './EntityWideEpRankCard';
import { ATTENTION_PAGE } from './FleetRole';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'wide-ep',
    annotations: { 'wide-ep.backstage.io/deployment': 'wide-ep' },
  },
};

function renderCard(health: RankHealthResponse) {
  const api: WideEpApi = {
    getRankHealth: jest.fn(async () => health),
    getRankHistory: jest.fn(() => new Promise<never>(() => {})),
    listClusters: jest.fn(),
    preflight: jest.fn(),
    getDiff: jest.fn(),
  };
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityWideEpRankCard refreshIntervalMs={0} />
    </EntityProvider>,
    { apis: [[wideEpApiRef, api]] },
  );
}

/** `rank label → reason` of every row of a role's not-healthy table. */
function listedReasons(role: string): Map<string, string> {
  const table = screen.getByRole('table', {
    name: `${role} ranks not healthy`,
  });
  return new Map(
    Array.from(table.querySelectorAll('tbody tr'), row => [
      row.querySelector('button')!.getAttribute('aria-label')!,
      row.querySelectorAll('td')[2].textContent!,
    ]),
  );
}

// 10,000 ranks through React's development build in jsdom take seconds on a
// shared machine; the browser benchmark measures the real render time.
const SLOW = { timeout: 15_000 };
jest.setTimeout(60_000);

describe('rank card at 10,000 ranks', () => {
  const health = makeFleetRankHealthResponse();
  const notHealthy = health.ranks.filter(r => r.state !== 'healthy');

  it('draws group tiles instead of 10,000 cells, worst ranks first', async () => {
    expect(health.ranks).toHaveLength(10_000);
    renderCard(health);

    const decodeTiles = await screen.findByRole(
      'list',
      {
        name: 'decode groups',
      },
      SLOW,
    );
    expect(within(decodeTiles).getAllByRole('button')).toHaveLength(125);
    expect(
      within(screen.getByRole('list', { name: 'prefill groups' })).getAllByRole(
        'button',
      ),
    ).toHaveLength(125);
    // No per-rank cells: only the listed ranks are buttons named after a rank.
    const listedCount = ['prefill', 'decode']
      .map(role => notHealthy.filter(r => r.role === role).length)
      .reduce((n, count) => n + Math.min(ATTENTION_PAGE, count), 0);
    expect(
      screen.queryAllByRole('button', {
        name: /^(prefill|decode) group \d+ rank \d+, /,
      }),
    ).toHaveLength(listedCount);

    const lostPod = within(decodeTiles).getByRole('button', {
      name: 'decode group 7: ✕ not serving, 56 healthy, 8 unhealthy',
    });
    expect(lostPod).toHaveTextContent('7 ✕8');
    expect(lostPod).toHaveAttribute('aria-expanded', 'false');
    expect(
      within(decodeTiles).getByRole('button', {
        name: /^decode group 100: ↻ starting, 64 starting$/,
      }),
    ).toBeInTheDocument();

    const decode = notHealthy.filter(r => r.role === 'decode');
    expect(
      screen.getByRole('table', { name: 'decode ranks not healthy' }),
    ).toHaveTextContent(
      `${decode.length} decode ranks are not healthy; the worst ${ATTENTION_PAGE} are listed`,
    );
    const states = [...listedReasons('decode').keys()].map(
      l => l.split(', ')[1].split(':')[0],
    );
    // Unhealthy before unknown before starting.
    expect(states[0]).toBe('unhealthy');
    expect(states).toEqual(
      [...states].sort(
        (a, b) =>
          ['unhealthy', 'unknown', 'starting'].indexOf(a) -
          ['unhealthy', 'unknown', 'starting'].indexOf(b),
      ),
    );

    // Prefill's 29 fit in "show all"; decode's 253 page by 100.
    const decodeTable = screen.getByRole('table', {
      name: 'decode ranks not healthy',
    });
    await userEvent.click(
      within(decodeTable.parentElement!).getByRole('button', {
        name: 'Show 100 more',
      }),
    );
    expect(listedReasons('decode').size).toBe(ATTENTION_PAGE + 100);
    expect(
      within(
        screen.getByRole('table', { name: 'prefill ranks not healthy' })
          .parentElement!,
      ).queryByRole('button', { name: /more$/ }),
    ).toBeNull();
  });

  it('lists the reason of every rank that is not healthy', async () => {
    renderCard(health);
    await screen.findByRole(
      'table',
      { name: 'decode ranks not healthy' },
      SLOW,
    );
    for (const role of ['prefill', 'decode']) {
      const table = screen.getByRole('table', {
        name: `${role} ranks not healthy`,
      });
      const all = within(table.parentElement!).queryByRole('button', {
        name: /^Show all \d+$/,
      });
      if (all) await userEvent.click(all);
      const listed = listedReasons(role);
      const expected = notHealthy.filter(r => r.role === role);
      expect(listed.size).toBe(expected.length);
      for (const r of expected) {
        expect(
          listed.get(
            `${role} group ${r.group} rank ${r.globalRank}, ${r.state}: ${r.reason}`,
          ),
        ).toBe(r.reason);
      }
    }
    expect(notHealthy.map(r => r.state)).toEqual(
      expect.arrayContaining(['unhealthy', 'starting', 'unknown']),
    );
  });

  it('opens a group tile into its rank grid, and pins a listed rank in the details', async () => {
    renderCard(health);
    const tile = await screen.findByRole(
      'button',
      {
        name: 'decode group 7: ✕ not serving, 56 healthy, 8 unhealthy',
      },
      SLOW,
    );
    await userEvent.click(tile);
    expect(tile).toHaveAttribute('aria-expanded', 'true');
    const grid = screen.getByRole('group', { name: 'decode group 7' });
    expect(grid).toHaveTextContent('Group 7 · 8 pods · ✕ not serving');
    expect(
      within(grid).getAllByRole('button', {
        name: /^decode group 7 rank \d+, /,
      }),
    ).toHaveLength(64);
    expect(
      within(grid).getByRole('button', {
        name: 'decode group 7 rank 24, unhealthy: connection refused on wide-ep-decode-7-3:8200: the vLLM API server is not listening',
      }),
    ).toBeInTheDocument();

    const listed = within(
      screen.getByRole('table', { name: 'decode ranks not healthy' }),
    ).getAllByRole('button')[0];
    await userEvent.click(listed);
    const details = screen.getByRole('region', { name: 'Rank details' });
    expect(details).toHaveTextContent(/decode rank \d+: ✕ unhealthy/);
    expect(listed).toHaveAttribute('aria-describedby', details.id);

    await userEvent.click(tile);
    expect(screen.queryByRole('group', { name: 'decode group 7' })).toBeNull();
  });
});
