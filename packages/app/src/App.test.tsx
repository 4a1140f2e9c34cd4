import { render, screen, waitFor } from '@testing-library/react';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import wideEpPlugin from '@internal/plugin-wide-ep/alpha';
import { createApp } from '@backstage/frontend-defaults';
import App, { appFeatures } from './App';

// Rendering the whole app takes several seconds on 2 busy cores (the suite
// runs beside every other Jest worker); 5 s timed out in CI.
jest.setTimeout(30_000);

describe('App', () => {
  it('should render', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
          },
          context: 'test',
        },
      ] as any,
    };

    const rendered = render(App.createRoot());

    await waitFor(() => {
      expect(rendered.baseElement).toBeInTheDocument();
    });
  });

  describe('sign-in page (app.signInProviders)', () => {
    // The app loads its config once per createApp, so each test builds the
    // app from the same features afresh.
    const renderApp = (app: Record<string, unknown>) => {
      process.env = {
        NODE_ENV: 'test',
        APP_CONFIG: [
          {
            data: {
              app: { title: 'Test', ...app },
              backend: { baseUrl: 'http://localhost:7007' },
              techdocs: {
                storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
              },
            },
            context: 'test',
          },
        ] as any,
      };
      return render(createApp({ features: appFeatures }).createRoot());
    };

    it('offers GitHub, and not guest, when configured (production)', async () => {
      renderApp({ signInProviders: ['github'] });
      expect(
        await screen.findByText('GitHub', {}, { timeout: 10_000 }),
      ).toBeInTheDocument();
      expect(screen.getByText('Sign in using GitHub')).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: /sign in/i }),
      ).toBeInTheDocument();
      expect(screen.queryByText('Guest')).not.toBeInTheDocument();
    });

    it('offers guest by default (local development)', async () => {
      renderApp({});
      expect(
        await screen.findByText('Guest', {}, { timeout: 10_000 }),
      ).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
      expect(screen.queryByText('GitHub')).not.toBeInTheDocument();
    });

    it('offers both when both are configured', async () => {
      renderApp({ signInProviders: ['guest', 'github'] });
      expect(
        await screen.findByText('GitHub', {}, { timeout: 10_000 }),
      ).toBeInTheDocument();
      expect(screen.getByText('Guest')).toBeInTheDocument();
    });
  });

  it('shows the wide-EP rank card on the overview of an annotated entity', async () => {
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'wide-ep',
        namespace: 'default',
        annotations: { 'wide-ep.backstage.io/deployment': 'wide-ep' },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'group:default/platform',
      },
      relations: [],
    };
    const ranks = [0, 1, 2, 3, 4, 5, 6, 7].map(i => ({
      role: 'decode',
      group: 0,
      globalRank: i,
      localRank: i,
      pod: 'wide-ep-decode-0',
      node: 'gpu-node-1',
      port: 8200 + i,
      state: i === 3 ? 'unhealthy' : 'healthy',
      reason: i === 3 ? '/health returned 503' : undefined,
      metrics: {},
    }));
    const rankHealth = {
      entityRef: 'component:default/wide-ep',
      cluster: 'test-cluster',
      namespace: 'llm-d',
      observedAt: '2026-11-22T10:00:00Z',
      stale: false,
      summary: {
        prefill: { ready: 0, total: 0, gpus: 0 },
        decode: { ready: 7, total: 8, gpus: 8 },
      },
      conditions: [],
      ranks,
    };
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    const fetch = jest.fn(async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input);
      if (
        url.includes(
          '/api/wide-ep/ranks?entityRef=component%3Adefault%2Fwide-ep',
        )
      ) {
        return json(rankHealth);
      }
      if (
        url.includes(
          '/api/catalog/entities/by-name/component/default/wide-ep/ancestry',
        )
      ) {
        return json({
          rootEntityRef: 'component:default/wide-ep',
          items: [{ entity, parentEntityRefs: [] }],
        });
      }
      if (
        url.includes('/api/catalog/entities/by-name/component/default/wide-ep')
      ) {
        return json(entity);
      }
      if (url.includes('/api/catalog/entities/by-refs')) {
        return json({ items: [] });
      }
      return json({ error: { name: 'NotFoundError', message: url } }, 404);
    });

    renderTestApp({
      features: [catalogPlugin, wideEpPlugin],
      apis: [
        mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
        mockApis.fetch({
          baseImplementation: fetch as typeof globalThis.fetch,
        }),
      ],
      initialRouteEntries: ['/catalog/default/component/wide-ep'],
    });

    expect(
      await screen.findByText('Rank health', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', {
        name: 'decode rank 3, unhealthy: /health returned 503',
      }),
    ).toBeInTheDocument();
  });
});
