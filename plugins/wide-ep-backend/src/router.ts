import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { GetRankHealthOptions } from './service/RankHealthService';
import type { GetRankHistoryOptions } from './history/RankHistoryService';
import {
  RANK_HISTORY_METRICS,
  type RankHistoryMetric,
  type RankHistoryResponse,
  type RankHistoryWindow,
} from '@internal/plugin-wide-ep-common';
import type {
  WideEpDiffResponse,
  RankHealthResponse,
  WideEpClusterInfo,
  WideEpClusterListResponse,
  WideEpPreflightResponse,
} from '@internal/plugin-wide-ep-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';

/** Options for {@link createRouter}. @public */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  rankHealth: {
    getRankHealth(options: GetRankHealthOptions): Promise<RankHealthResponse>;
  };
  rankHistory: {
    getRankHistory(
      options: GetRankHistoryOptions,
    ): Promise<RankHistoryResponse>;
  };
  /** The configured clusters; throws when the configuration is unusable. */
  clusters: { list(): WideEpClusterInfo[] };
  preflight: {
    check(request: {
      body: unknown;
      credentials: BackstageCredentials;
    }): Promise<WideEpPreflightResponse>;
  };
  diff: {
    getDiff(request: {
      entityRef: string;
      credentials: BackstageCredentials;
    }): Promise<WideEpDiffResponse>;
  };
}

/**
 * Routes of the wide-EP backend, mounted at `/api/wide-ep`:
 * - `GET /ranks?entityRef=<kind:namespace/name>` answers a `RankHealthResponse`;
 * - `GET /ranks/history?entityRef=&metric=&window=15m|60m` answers a
 *   `RankHistoryResponse` (same permission and entity lookup as /ranks);
 * - `GET /clusters` answers a `WideEpClusterListResponse` (names for the
 *   template's cluster picker, never URLs or tokens);
 * - `POST /preflight` with `{ cluster, spec }` runs the read-only preflight
 *   checks of wide-ep:preflight for the form (`WideEpPreflightResponse`);
 * - `GET /diff?entityRef=` compares the entity's spec with its cluster, per
 *   object and field with field managers (`WideEpDiffResponse`).
 * Errors are thrown as `@backstage/errors` types; the error middleware
 * renders them.
 * @public
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  router.post('/preflight', async (req, res) => {
    // Users only: the check runs with the backend's cluster identity on
    // behalf of whoever may deploy.
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const body = await options.preflight.check({ body: req.body, credentials });
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });
  router.get('/clusters', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: WideEpClusterListResponse = { items: options.clusters.list() };
    res.json(body);
  });
  router.get('/diff', async (req, res) => {
    const { entityRef } = req.query;
    if (typeof entityRef !== 'string' || entityRef === '') {
      throw new InputError(
        'query parameter entityRef is required once, e.g. ?entityRef=component:default/wide-ep',
      );
    }
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = await options.diff.getDiff({ entityRef, credentials });
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });
  router.get('/ranks/history', async (req, res) => {
    // Before anything can fail: no answer of this route, error or not, is cached.
    res.setHeader('Cache-Control', 'no-store');
    const { entityRef, metric, window = '15m' } = req.query;
    if (typeof entityRef !== 'string' || entityRef === '') {
      throw new InputError(
        'query parameter entityRef is required once, e.g. ?entityRef=component:default/wide-ep',
      );
    }
    if (
      typeof metric !== 'string' ||
      !(RANK_HISTORY_METRICS as readonly string[]).includes(metric)
    ) {
      throw new InputError(
        `query parameter metric must be one of ${RANK_HISTORY_METRICS.join(
          ', ',
        )}`,
      );
    }
    if (window !== '15m' && window !== '60m') {
      throw new InputError('query parameter window must be 15m or 60m');
    }
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = await options.rankHistory.getRankHistory({
      entityRef,
      metric: metric as RankHistoryMetric,
      window: window as RankHistoryWindow,
      credentials,
    });
    res.json(body);
  });
  router.get('/ranks', async (req, res) => {
    const { entityRef } = req.query;
    if (typeof entityRef !== 'string' || entityRef === '') {
      throw new InputError(
        'query parameter entityRef is required once, e.g. ?entityRef=component:default/wide-ep',
      );
    }
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = await options.rankHealth.getRankHealth({
      entityRef,
      credentials,
    });
    // Health changes by the second: never let a proxy or the browser cache it.
    res.setHeader('Cache-Control', 'no-store');
    sendShared(res, body);
  });
  return router;
}

/**
 * JSON of answers shared by many viewers, encoded once per answer. The rank
 * service hands every viewer of a deployment the same object while it is
 * fresh; a 10,000-rank answer is a string and a buffer of hundreds of KB,
 * which V8 allocates straight in its old generation, so encoding it per
 * request (and hashing it for an ETag no one can use under no-store) grew
 * the backend's heap with every viewer.
 */
const encoded = new WeakMap<object, Buffer>();

function sendShared(res: express.Response, body: object): void {
  let bytes = encoded.get(body);
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(body), 'utf8');
    encoded.set(body, bytes);
  }
  res.status(200);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}
