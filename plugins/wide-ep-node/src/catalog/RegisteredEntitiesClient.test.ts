import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegisteredEntitiesClient } from './RegisteredEntitiesClient';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'Wide-EP', namespace: 'default' },
};

/** What the plugin's routes answer, by method and path; records each request. */
async function pluginStandIn(
  answer: (req: http.IncomingMessage) => { status: number; body?: unknown },
) {
  const seen: Array<{
    method: string;
    url: string;
    auth?: string;
    body: string;
  }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
        body,
      });
      const { status, body: out } = answer(req);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(out === undefined ? '' : JSON.stringify(out));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    base: `http://127.0.0.1:${port}/api/wide-ep`,
    close: () => new Promise(r => server.close(r)),
  };
}

function clientFor(base: string) {
  const tokensFor: string[] = [];
  const client = new RegisteredEntitiesClient({
    discovery: { getBaseUrl: async id => base.replace('wide-ep', id) },
    auth: {
      getOwnServiceCredentials: async () =>
        ({
          principal: { type: 'service', subject: 'plugin:scaffolder' },
        } as any),
      getPluginRequestToken: async ({ targetPluginId }) => {
        tokensFor.push(targetPluginId);
        return { token: `token-for-${targetPluginId}` };
      },
    },
  });
  return { client, tokensFor };
}

const backstageError = (name: string, message: string, statusCode: number) => ({
  error: { name, message },
  response: { statusCode },
});

describe('RegisteredEntitiesClient', () => {
  let stand: Awaited<ReturnType<typeof pluginStandIn>> | undefined;
  afterEach(async () => {
    await stand?.close();
    stand = undefined;
  });

  it('PUTs the entity under its lower-case ref with a service token for the wide-ep plugin', async () => {
    stand = await pluginStandIn(() => ({
      status: 200,
      body: { entityRef: 'component:default/wide-ep', created: true },
    }));
    const { client, tokensFor } = clientFor(stand.base);
    await expect(client.upsert(entity)).resolves.toEqual({
      entityRef: 'component:default/wide-ep',
      created: true,
    });
    expect(stand.seen).toEqual([
      {
        method: 'PUT',
        url: '/api/wide-ep/registered-entities/component/default/wide-ep',
        auth: 'Bearer token-for-wide-ep',
        body: JSON.stringify(entity),
      },
    ]);
    expect(tokensFor).toEqual(['wide-ep']);
  });

  it('lists, gets and removes; an unregistered entity is undefined, not an error', async () => {
    stand = await pluginStandIn(req => {
      if (req.method === 'GET' && req.url!.endsWith('/registered-entities'))
        return { status: 200, body: { items: [] } };
      if (req.method === 'DELETE')
        return { status: 200, body: { removed: true } };
      return {
        status: 404,
        body: backstageError(
          'NotFoundError',
          'component:default/x is not registered',
          404,
        ),
      };
    });
    const { client } = clientFor(stand.base);
    await expect(client.list()).resolves.toEqual([]);
    await expect(client.get('component:default/x')).resolves.toBeUndefined();
    await expect(client.remove('Component:default/X')).resolves.toBe(true);
    expect(stand.seen.map(s => `${s.method} ${s.url}`)).toEqual([
      'GET /api/wide-ep/registered-entities',
      'GET /api/wide-ep/registered-entities/component/default/x',
      'DELETE /api/wide-ep/registered-entities/component/default/x',
    ]);
  });

  it("passes the plugin's refusal on with its name and what was attempted", async () => {
    stand = await pluginStandIn(() => ({
      status: 403,
      body: backstageError(
        'NotAllowedError',
        'only plugin:scaffolder may change registered entities',
        403,
      ),
    }));
    const { client } = clientFor(stand.base);
    await expect(client.upsert(entity)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /^could not register component:default\/wide-ep with the wide-EP backend plugin \(PUT http:.*\/registered-entities\/component\/default\/wide-ep\); caused by NotAllowedError: only plugin:scaffolder/,
      ),
    });
  });

  it('says the backend plugin may be missing when the route itself is not there', async () => {
    stand = await pluginStandIn(() => ({ status: 404 }));
    const { client } = clientFor(stand.base);
    await expect(client.get('component:default/x')).rejects.toThrow(
      /could not look up component:default\/x .*is @internal\/plugin-wide-ep-backend installed in this backend\?/,
    );
  });

  it('names the URL when nothing answers', async () => {
    stand = await pluginStandIn(() => ({ status: 200 }));
    const { base } = stand;
    await stand.close();
    stand = undefined;
    await expect(clientFor(base).client.list()).rejects.toThrow(
      /^could not list registered entities with the wide-EP backend plugin \(GET http:\/\/127\.0\.0\.1:\d+\/api\/wide-ep\/registered-entities\); caused by/,
    );
  });

  it('refuses a ref that is not kind:namespace/name before calling anything', async () => {
    const { client } = clientFor('http://127.0.0.1:9/api/wide-ep');
    await expect(client.remove('wide-ep')).rejects.toMatchObject({
      name: 'InputError',
      message:
        'entityRef must be a full ref kind:namespace/name, e.g. component:default/wide-ep (got "wide-ep")',
    });
  });
});
