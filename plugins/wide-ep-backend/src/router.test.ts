import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import type { RankHealthResponse } from '@internal/plugin-wide-ep-common';
import { createRouter } from './router';

/** The router alone, with a rank service that hands every viewer the same answer, as RankHealthService does while it is fresh. */
async function app(answer: () => RankHealthResponse) {
  const unused = () => {
    throw new Error('not used');
  };
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    rankHealth: { getRankHealth: async () => answer() },
    rankHistory: { getRankHistory: unused },
    clusters: { list: () => [] },
    preflight: { check: unused },
    diff: { getDiff: unused },
  });
  return express().use(router);
}

describe('GET /ranks', () => {
  it('encodes a shared answer once for all its viewers, as JSON that is never cached', async () => {
    let encodings = 0;
    const shared = {
      entityRef: 'component:default/wide-ep',
      ranks: [],
      toJSON() {
        encodings++;
        return { entityRef: 'component:default/wide-ep', ranks: [] };
      },
    } as unknown as RankHealthResponse;
    const server = await app(() => shared);
    const url = '/ranks?entityRef=component:default/wide-ep';
    for (let viewer = 0; viewer < 3; viewer++) {
      const res = await request(server).get(url);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      );
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        entityRef: 'component:default/wide-ep',
        ranks: [],
      });
    }
    expect(encodings).toBe(1);
  });

  it('a new answer is encoded anew', async () => {
    let n = 0;
    const server = await app(
      () =>
        ({ entityRef: `e${++n}`, ranks: [] } as unknown as RankHealthResponse),
    );
    const url = '/ranks?entityRef=component:default/wide-ep';
    expect((await request(server).get(url)).body.entityRef).toBe('e1');
    expect((await request(server).get(url)).body.entityRef).toBe('e2');
  });
});
