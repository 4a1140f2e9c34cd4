import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApiServerProxy } from './startApiServerProxy';

// A stand-in upstream over plain HTTP is enough to test counting and cutting;
// the integration tests run the proxy against the real HTTPS kube-apiserver.
jest.mock('node:https', () => {
  const real = jest.requireActual('node:http');
  return {
    __esModule: true,
    default: { ...real, Agent: real.Agent, request: real.request },
    ...real,
  };
});

function get(
  url: string,
): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise(resolve => {
    const req = http.get(url, { agent: false }, res => {
      let body = '';
      res.on('data', c => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code }));
  });
}

describe('startApiServerProxy', () => {
  it('forwards and counts requests with the caller auth header, and can cut and restore', async () => {
    const seen: string[] = [];
    const upstream = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      res.end('{"kind":"PodList"}');
    });
    await new Promise<void>(r => upstream.listen(0, '127.0.0.1', r));
    const proxy = await startApiServerProxy({
      target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    });

    const res = await new Promise<number>(resolve =>
      http.get(
        `${proxy.url}/api/v1/pods?watch=true`,
        { headers: { authorization: 'Bearer t' }, agent: false },
        r => {
          r.resume();
          resolve(r.statusCode!);
        },
      ),
    );
    expect(res).toBe(200);
    expect(seen).toEqual(['/api/v1/pods?watch=true Bearer t']);
    expect(proxy.requests.map(r => [r.method, r.path, r.watch])).toEqual([
      ['GET', '/api/v1/pods?watch=true', true],
    ]);

    await proxy.cut();
    expect(await get(`${proxy.url}/api/v1/pods`)).toEqual({
      error: 'ECONNREFUSED',
    });
    await proxy.restore();
    expect((await get(`${proxy.url}/api/v1/pods`)).status).toBe(200);
    expect(proxy.requests).toHaveLength(2);
    await proxy.close();
    upstream.close();
  });

  it('holds the requests its delay names before forwarding them, body included', async () => {
    const arrived: Array<{ method: string; at: number; body: string }> = [];
    const upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        arrived.push({ method: req.method!, at: Date.now(), body });
        res.end('{}');
      });
    });
    await new Promise<void>(r => upstream.listen(0, '127.0.0.1', r));
    const proxy = await startApiServerProxy({
      target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      delayMs: r => (r.method === 'PATCH' ? 300 : undefined),
    });
    const sent = Date.now();
    const patched = new Promise<number>(resolve => {
      const req = http.request(
        `${proxy.url}/apis/x/v1/things/a`,
        { method: 'PATCH', agent: false },
        r => {
          r.resume();
          resolve(r.statusCode!);
        },
      );
      req.end('{"spec":1}');
    });
    expect((await get(`${proxy.url}/api/v1/pods`)).status).toBe(200);
    expect(await patched).toBe(200);
    expect(arrived.map(a => a.method)).toEqual(['GET', 'PATCH']);
    expect(arrived[0].at - sent).toBeLessThan(250);
    expect(arrived[1].at - sent).toBeGreaterThanOrEqual(300);
    expect(arrived[1].body).toBe('{"spec":1}');
    await proxy.close();
    upstream.close();
  });
});
