import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadClientNode } from '../kube/loadClientNode';
import {
  createClientNodeInformerFactory,
  resourcePath,
} from './createClientNodeInformerFactory';
import { WATCHED_KINDS, WatchKey } from './types';

const managedFieldsEntry = {
  manager: 'kubelet',
  operation: 'Update',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:status': { 'f:podIP': {} } },
};

/** A plain-HTTP stand-in (client-node allows http only with skipTLSVerify) for the API server that records requests and streams one watch event. */
async function fakeApiServer() {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(
      `${req.method} ${req.url} auth=${
        req.headers.authorization === 'Bearer t0ken' ? 'ok' : 'missing'
      }`,
    );
    const url = new URL(req.url!, 'http://x');
    if (url.pathname.includes('/computedomains')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 404,
          reason: 'NotFound',
          message: 'the server could not find the requested resource',
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.searchParams.get('watch') === 'true') {
      res.write(
        `${JSON.stringify({
          type: 'ADDED',
          object: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name: 'b',
              namespace: 'llm-d',
              resourceVersion: '11',
              managedFields: [managedFieldsEntry],
            },
          },
        })}\n`,
      );
      return; // keep the watch open
    }
    res.end(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PodList',
        metadata: { resourceVersion: '10' },
        items: [
          {
            metadata: {
              name: 'a',
              namespace: 'llm-d',
              resourceVersion: '9',
              managedFields: [managedFieldsEntry],
            },
          },
        ],
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    requests,
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(resolve));
    },
  };
}

describe('createClientNodeInformerFactory', () => {
  it('builds collection paths from the kind table', () => {
    expect(resourcePath({ kind: WATCHED_KINDS.pod, namespace: 'llm-d' })).toBe(
      '/api/v1/namespaces/llm-d/pods',
    );
    expect(
      resourcePath({
        kind: WATCHED_KINDS.podCliqueScalingGroup,
        namespace: 'llm-d',
      }),
    ).toBe('/apis/grove.io/v1alpha1/namespaces/llm-d/podcliquescalinggroups');
  });

  it('lists with the selector, then watches from the list resource version, with the cluster token; keeps no managedFields', async () => {
    const api = await fakeApiServer();
    const { KubeConfig } = await loadClientNode();
    const kubeConfigFor = jest.fn(async () => {
      const kc = new KubeConfig();
      kc.loadFromClusterAndUser(
        { name: 'test', server: api.url, skipTLSVerify: true },
        { name: 'u', token: 't0ken' },
      );
      return kc;
    });
    const factory = createClientNodeInformerFactory({ kubeConfigFor });
    const key: WatchKey = {
      cluster: 'test',
      namespace: 'llm-d',
      kind: WATCHED_KINDS.pod,
      labelSelector:
        'wide-ep.backstage.io/deployment=wide-ep,llm-d.ai/inference-serving=true',
    };
    const onList = jest.fn();
    const informer = await factory(key, { onList });
    const added = new Promise(resolve =>
      informer.on('add', obj => obj.metadata?.name === 'b' && resolve(obj)),
    );
    await informer.start();
    await added;
    expect(onList).toHaveBeenCalledTimes(1);
    expect(
      informer
        .list('llm-d')
        .map(p => p.metadata?.name)
        .sort(),
    ).toEqual(['a', 'b']);
    // Listed and watched objects alike are kept without managedFields.
    for (const pod of informer.list('llm-d'))
      expect(pod.metadata).not.toHaveProperty('managedFields');
    const selector =
      'labelSelector=wide-ep.backstage.io%2Fdeployment%3Dwide-ep%2Cllm-d.ai%2Finference-serving%3Dtrue';
    expect(api.requests).toEqual([
      `GET /api/v1/namespaces/llm-d/pods?${selector} auth=ok`,
      `GET /api/v1/namespaces/llm-d/pods?watch=true&resourceVersion=10&${selector} auth=ok`,
    ]);
    await informer.stop();
    // The KubeConfig of a cluster is built once.
    await factory({ ...key, labelSelector: 'x=y' }, { onList });
    expect(kubeConfigFor).toHaveBeenCalledTimes(1);
    await api.close();
  });

  it('reports a failing list through the error event, as the cache expects', async () => {
    const api = await fakeApiServer();
    const { KubeConfig } = await loadClientNode();
    const factory = createClientNodeInformerFactory({
      kubeConfigFor: async () => {
        const kc = new KubeConfig();
        kc.loadFromClusterAndUser(
          { name: 'test', server: api.url, skipTLSVerify: true },
          { name: 'u', token: 't0ken' },
        );
        return kc;
      },
    });
    const informer = await factory(
      {
        cluster: 'test',
        namespace: 'llm-d',
        kind: WATCHED_KINDS.computeDomain,
        labelSelector: 'a=b',
      },
      { onList: () => {} },
    );
    const errors: unknown[] = [];
    informer.on('error', e => errors.push(e));
    await informer.start();
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: number }).code).toBe(404);
    expect(api.requests).toEqual([
      'GET /apis/resource.nvidia.com/v1beta1/namespaces/llm-d/computedomains?labelSelector=a%3Db auth=ok',
    ]);
    await api.close();
  });

  it('refuses namespaces that are not DNS labels before any request', async () => {
    const factory = createClientNodeInformerFactory({
      kubeConfigFor: jest.fn(),
    });
    await expect(
      factory(
        {
          cluster: 'test',
          namespace: '../../api/v1/secrets',
          kind: WATCHED_KINDS.pod,
          labelSelector: 'a=b',
        },
        { onList: () => {} },
      ),
    ).rejects.toThrow('"../../api/v1/secrets" is not a valid namespace name');
  });
});
