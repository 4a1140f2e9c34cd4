import { mockApis } from '@backstage/frontend-test-utils';
import { WideEpClient } from './WideEpClient';
import { makeRankHealthResponse } from '../__testUtils__/rankHealthFixtures';
import { makeRankHistoryResponse } from '../__testUtils__/rankHistoryFixtures';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText: status === 200 ? 'OK' : 'Not Found',
    headers: { 'content-type': 'application/json' },
  });
}

describe('WideEpClient', () => {
  const discoveryApi = mockApis.discovery({ baseUrl: 'http://backstage:7007' });

  it('requests the ranks of an entity from the wide-ep backend', async () => {
    const body = makeRankHealthResponse({
      decode: { groups: 1, podsPerGroup: 1, ranksPerPod: 8 },
    });
    const fetch = jest.fn(async () => jsonResponse(200, body));
    const client = new WideEpClient({ discoveryApi, fetchApi: { fetch } });

    await expect(
      client.getRankHealth({ entityRef: 'component:default/wide-ep' }),
    ).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/wide-ep/ranks?entityRef=component%3Adefault%2Fwide-ep',
      { signal: undefined },
    );
  });

  it('requests one metric of an entity over a window from the history route', async () => {
    const health = makeRankHealthResponse({
      decode: { groups: 1, podsPerGroup: 1, ranksPerPod: 8 },
    });
    const body = makeRankHistoryResponse(health, {
      metric: 'kvCacheUsage',
      window: '60m',
    });
    const fetch = jest.fn(async () => jsonResponse(200, body));
    const client = new WideEpClient({ discoveryApi, fetchApi: { fetch } });
    const signal = new AbortController().signal;

    await expect(
      client.getRankHistory({
        entityRef: 'component:default/wide-ep',
        metric: 'kvCacheUsage',
        window: '60m',
        signal,
      }),
    ).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/wide-ep/ranks/history?entityRef=component%3Adefault%2Fwide-ep&metric=kvCacheUsage&window=60m',
      { signal },
    );
  });

  it('rejects a failed history request with the server message', async () => {
    const fetch = jest.fn(async () =>
      jsonResponse(400, {
        error: {
          name: 'InputError',
          message: 'query parameter window must be 15m or 60m',
        },
        request: { method: 'GET', url: '/api/wide-ep/ranks/history' },
        response: { statusCode: 400 },
      }),
    );
    const client = new WideEpClient({ discoveryApi, fetchApi: { fetch } });

    const error = await client
      .getRankHistory({
        entityRef: 'component:default/x',
        metric: 'running',
        window: '15m',
      })
      .catch(e => e);
    expect(error.name).toBe('ResponseError');
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe(
      'query parameter window must be 15m or 60m',
    );
  });

  it('rejects with a ResponseError carrying the server message', async () => {
    const fetch = jest.fn(async () =>
      jsonResponse(404, {
        error: {
          name: 'NotFoundError',
          message: 'No wide-EP deployment for component:default/x',
        },
        request: { method: 'GET', url: '/api/wide-ep/ranks' },
        response: { statusCode: 404 },
      }),
    );
    const client = new WideEpClient({ discoveryApi, fetchApi: { fetch } });

    const error = await client
      .getRankHealth({ entityRef: 'component:default/x' })
      .catch(e => e);
    expect(error.name).toBe('ResponseError');
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
    expect(error.cause.message).toBe(
      'No wide-EP deployment for component:default/x',
    );
  });

  it('lists the clusters for the picker', async () => {
    const body = { items: [{ name: 'gpu-east', usable: true }] };
    const fetch = jest.fn(async () => jsonResponse(200, body));
    const client = new WideEpClient({ discoveryApi, fetchApi: { fetch } });

    await expect(client.listClusters()).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/wide-ep/clusters',
      { signal: undefined },
    );
  });

  it('posts the spec and cluster for the preflight checks', async () => {
    const body = { cluster: 'gpu-east', checks: [] };
    const fetch = jest.fn(
      async (_url: string | URL | Request, _init?: RequestInit) =>
        jsonResponse(200, body),
    );
    const client = new WideEpClient({ discoveryApi, fetchApi: { fetch } });

    await expect(
      client.preflight({ cluster: 'gpu-east', spec: { name: 'x' } }),
    ).resolves.toEqual(body);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backstage:7007/api/wide-ep/preflight');
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(init!.body as string)).toEqual({
      cluster: 'gpu-east',
      spec: { name: 'x' },
    });
  });
});
