import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  SpecIssue,
  formatIssues,
  parseSpec,
} from '@internal/plugin-wide-ep-common';
import {
  GROVE_GB200_SEED,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
import { createWideEpRenderAction } from './render';

describe('wide-ep:render', () => {
  const action = createWideEpRenderAction();
  const workspace = createMockDirectory();

  beforeEach(() => workspace.clear());

  // Typed loosely on purpose: tests also pass invalid input to the handler.
  function context(
    input: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): any {
    return {
      ...createMockActionContext({
        input: input as any,
        workspacePath: workspace.path,
      }),
      ...extra,
    };
  }

  function outputs(ctx: { output: unknown }): Record<string, any> {
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it('writes the LWS H200 deployment into targetPath and reports its shape', async () => {
    const ctx = context({ ...LWS_H200_SEED, targetPath: './deployment' });
    await action.handler(ctx);

    const out = outputs(ctx);
    expect(out.path).toBe('deployment');
    expect(out.catalogInfoPath).toBe('deployment/catalog-info.yaml');
    expect(out.objects.map((o: any) => `${o.kind}/${o.name}`)).toEqual([
      'ServiceAccount/wide-ep-vllm',
      'ServiceAccount/wide-ep-infpool-epp',
      'Role/wide-ep-infpool-epp',
      'RoleBinding/wide-ep-infpool-epp',
      'ConfigMap/wide-ep-infpool-epp-config',
      'ConfigMap/wide-ep-inference-gateway',
      'LeaderWorkerSet/wide-ep-prefill',
      'LeaderWorkerSet/wide-ep-decode',
      'Deployment/wide-ep-infpool-epp',
      'Service/wide-ep-infpool-epp',
      'InferencePool/wide-ep-infpool',
      'DestinationRule/wide-ep-infpool-epp',
      'Gateway/wide-ep-inference-gateway',
      'HTTPRoute/wide-ep-route',
    ]);
    expect(out.objects[0]).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      namespace: 'llm-d-wide-ep',
      name: 'wide-ep-vllm',
    });
    expect(out.gpus).toEqual({ total: 32, prefill: 16, decode: 16 });
    expect(out.ranks).toEqual({ total: 32, prefill: 16, decode: 16 });
    expect(out.targetPorts).toEqual([
      8000, 8001, 8002, 8003, 8004, 8005, 8006, 8007,
    ]);
    expect(out.entityRef).toBe('component:default/wide-ep');
    expect(out.warnings).toEqual([
      'gateway: multi-port InferencePools need Istio 1.28.1 or later',
    ]);
    expect(out.files).toContain('deployment/kustomization.yaml');
    expect(out.files).toContain(
      'deployment/manifests/leaderworkerset-wide-ep-decode.yaml',
    );
    expect(out.files).toHaveLength(3 + out.objects.length);

    const catalogInfo = await readFile(
      join(workspace.path, 'deployment/catalog-info.yaml'),
      'utf8',
    );
    expect(catalogInfo).toBe(out.catalogInfo);
    expect(catalogInfo).toContain('backstage.io/kubernetes-id: wide-ep');
    const lws = await readFile(
      join(
        workspace.path,
        'deployment/manifests/leaderworkerset-wide-ep-decode.yaml',
      ),
      'utf8',
    );
    expect(lws).toMatch(
      /^apiVersion: leaderworkerset.x-k8s.io\/v1\nkind: LeaderWorkerSet\n/,
    );
  });

  it('renders the Grove GB200 seed into the workspace root by default', async () => {
    const ctx = context({ ...GROVE_GB200_SEED });
    await action.handler(ctx);

    const out = outputs(ctx);
    expect(out.path).toBe('.');
    expect(
      out.objects
        .filter((o: any) => o.kind === 'PodCliqueSet')
        .map((o: any) => o.name),
    ).toEqual(['wide-ep']);
    expect(out.gpus).toEqual({ total: 36, prefill: 4, decode: 32 });
    expect(out.targetPorts).toEqual([8000]);
    // The seed names no ClusterTopologyBinding (upstream G assumed one).
    expect(out.warnings).toEqual([
      expect.stringMatching(/^grove\.topologyName: is not set/),
    ]);
    await expect(
      readFile(
        join(workspace.path, 'manifests/podcliqueset-wide-ep.yaml'),
        'utf8',
      ),
    ).resolves.toContain('kind: PodCliqueSet');
  });

  it('fails with one path: message line per problem, exactly as the common parseSpec reports them', async () => {
    const input = {
      ...LWS_H200_SEED,
      name: 'Bad_Name',
      prefill: { replicas: 0, dataParallelSize: 12 },
    };
    const ctx = context(input);
    const error = await action.handler(ctx).catch(e => e);
    expect(error.name).toBe('InputError');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('invalid wide-EP spec:');
    const parsed = parseSpec(input);
    expect(parsed.success).toBe(false);
    expect(lines.slice(1).join('\n')).toBe(
      formatIssues((parsed as { issues: SpecIssue[] }).issues),
    );
    expect(lines.slice(1).map((l: string) => l.split(':')[0])).toEqual([
      'name',
      'prefill.replicas',
      'prefill.dataParallelSize',
    ]);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('applies the cross-field rules of the common spec', async () => {
    const ctx = context({
      ...LWS_H200_SEED,
      decode: { replicas: 1, dataParallelSize: 12 },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
    );
  });

  it('refuses a targetPath outside the workspace', async () => {
    const ctx = context({ ...LWS_H200_SEED, targetPath: '../escape' });
    await expect(action.handler(ctx)).rejects.toThrow(/outside/);
  });

  it('renders the same files in a dry run, so the template editor shows them', async () => {
    const real = context({ ...LWS_H200_SEED, targetPath: 'deployment' });
    await action.handler(real);
    const realOut = outputs(real);
    workspace.clear();
    const dry = context(
      { ...LWS_H200_SEED, targetPath: 'deployment' },
      { isDryRun: true },
    );
    await action.handler(dry);
    expect(outputs(dry)).toEqual(realOut);
    await expect(
      readFile(join(workspace.path, 'deployment/README.md'), 'utf8'),
    ).resolves.toMatch(/wide-ep/);
  });

  it('treats empty optional parameters from a form as unset', async () => {
    const ctx = context({
      ...GROVE_GB200_SEED,
      cluster: '',
      owner: '',
      servedModelName: '',
    });
    await action.handler(ctx);
    expect(outputs(ctx).catalogInfo).toContain('owner: group:default/guests');
    expect(outputs(ctx).catalogInfo).not.toContain('kubernetes-cluster');
  });

  it('refuses rank ports on kgateway with an InputError naming rankPorts, writing nothing', async () => {
    const ctx = context({
      ...LWS_H200_SEED,
      gateway: 'kgateway',
      rankPorts: true,
    });
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^invalid wide-EP spec:\nrankPorts: is not supported by kgateway/,
      ),
    });
    expect(workspace.content()).toEqual({});
  });

  it('logs and outputs the serving warnings of the spec, each naming its field', async () => {
    const ctx = context({ ...LWS_H200_SEED, clusterProvider: 'generic' });
    const warn = jest.spyOn(ctx.logger, 'warn');
    await action.handler(ctx);
    expect(outputs(ctx).warnings).toEqual([
      'gateway: multi-port InferencePools need Istio 1.28.1 or later',
      expect.stringMatching(/^rdma: is not set: on a generic cluster/),
    ]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^rdma: is not set/),
    );
  });
});
