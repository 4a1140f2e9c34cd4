import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  CLUSTER_PROVIDERS,
  GATEWAYS,
  HARDWARE,
  MONITORING,
  ORCHESTRATORS,
} from '@internal/plugin-wide-ep-common';
import request from 'supertest';
import yaml from 'yaml';
import { SPEC_FIELDS } from './actions/specInput';
import { GROVE_GB200_SEED } from '@internal/plugin-wide-ep-common';
import scaffolderModuleWideEp from './index';

jest.setTimeout(60_000);

const REPO = resolve(__dirname, '../../..');
const TEMPLATE = yaml.parse(
  readFileSync(resolve(REPO, 'templates/wide-ep/template.yaml'), 'utf8'),
);

const FILLED: Record<string, string> = {
  cluster: 'gpu-east',
  repoUrl: 'github.com?owner=acme&repo=deploy',
};

/** Template parameters that are not spec fields. */
const NON_SPEC_PARAMETERS = [
  'rollout',
  'repoUrl',
  'preview',
  'cleanupOnFailure',
];

type Schema = {
  title?: string;
  properties?: Record<string, any>;
  dependencies?: Record<string, { oneOf: Schema[] }>;
};

function parameterNames(page: Schema): string[] {
  const names = new Set(Object.keys(page.properties ?? {}));
  for (const dependency of Object.values(page.dependencies ?? {})) {
    for (const branch of dependency.oneOf)
      Object.keys(branch.properties ?? {}).forEach(n => names.add(n));
  }
  return [...names];
}

async function registeredActionIds(): Promise<string[]> {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleWideEp,
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  const res = await request(server)
    .get('/api/scaffolder/v2/actions')
    .set('Authorization', mockCredentials.user.header());
  return res.body.map((a: { id: string }) => a.id);
}

describe('templates/wide-ep/template.yaml', () => {
  it('is a v1beta3 Template named wide-ep with recovery', () => {
    expect(TEMPLATE).toMatchObject({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'wide-ep', title: 'Wide-EP LLM deployment (llm-d)' },
      spec: { EXPERIMENTAL_recovery: { EXPERIMENTAL_strategy: 'startOver' } },
    });
    expect(
      TEMPLATE.spec.parameters.map((p: { title: string }) => p.title),
    ).toEqual([
      'Model and topology',
      'Hardware and cluster provider',
      'Orchestrator',
      'Gateway provider',
      'Rollout',
    ]);
  });

  it('names its parameters after the spec fields, with the spec enums', () => {
    const names = TEMPLATE.spec.parameters.flatMap(parameterNames);
    const specNames = names.filter(
      (n: string) => !NON_SPEC_PARAMETERS.includes(n),
    );
    for (const name of specNames) expect(SPEC_FIELDS).toContain(name);
    expect(specNames).toEqual(
      expect.arrayContaining([
        'name',
        'namespace',
        'model',
        'hardware',
        'clusterProvider',
        'orchestrator',
        'gateway',
        'prefill',
        'decode',
        'rankPorts',
        'monitoring',
        'cluster',
      ]),
    );
    const property = (name: string) =>
      TEMPLATE.spec.parameters.find((p: Schema) => p.properties?.[name])
        .properties[name];
    expect(property('hardware').enum).toEqual([...HARDWARE]);
    expect(property('clusterProvider').enum).toEqual([...CLUSTER_PROVIDERS]);
    expect([...property('orchestrator').enum].sort()).toEqual(
      [...ORCHESTRATORS].sort(),
    );
    expect([...property('gateway').enum].sort()).toEqual([...GATEWAYS].sort());
    expect(property('monitoring').enum).toEqual([...MONITORING]);
    for (const key of [
      'hardware',
      'clusterProvider',
      'orchestrator',
      'gateway',
      'monitoring',
      'rollout',
    ]) {
      expect(property(key).enumNames).toHaveLength(property(key).enum.length);
    }
    expect(property('prefill').properties).toEqual({
      replicas: expect.objectContaining({ type: 'integer' }),
      dataParallelSize: expect.objectContaining({ type: 'integer' }),
    });
  });

  it('picks the cluster with the WideEpClusterPicker field, by name only', () => {
    const rollout = TEMPLATE.spec.parameters.find(
      (page: Schema) => page.title === 'Rollout',
    );
    expect(rollout.properties.cluster).toMatchObject({
      type: 'string',
      'ui:field': 'WideEpClusterPicker',
    });
  });

  it('shows the topology preview on the first four pages, hidden from the review', () => {
    const previews = TEMPLATE.spec.parameters.map(
      (page: Schema) => page.properties?.preview,
    );
    const preview = {
      title: 'Topology preview',
      type: 'string',
      'ui:field': 'WideEpTopologyPreview',
      'ui:backstage': { review: { show: false } },
    };
    expect(previews).toEqual([preview, preview, preview, preview, undefined]);
  });

  it.each([
    ['publish:github:pull-request', 'github', 'githubPullRequest.cjs.js'],
    ['publish:gitlab:merge-request', 'gitlab', 'gitlabMergeRequest.cjs.js'],
  ])(
    '%s comes from the %s module the backend installs',
    (id, provider, file) => {
      // Checked in the modules' published code rather than by starting them
      // (they need GitHub / GitLab credentials).
      expect(
        readFileSync(resolve(REPO, 'packages/backend/src/index.ts'), 'utf8'),
      ).toContain(
        `backend.add(import('@backstage/plugin-scaffolder-backend-module-${provider}'))`,
      );
      expect(
        readFileSync(
          resolve(
            REPO,
            `node_modules/@backstage/plugin-scaffolder-backend-module-${provider}/dist/actions/${file}`,
          ),
          'utf8',
        ),
      ).toContain(`id: "${id}"`);
    },
  );

  it('only uses registered actions, or the publish actions of the GitHub and GitLab modules', async () => {
    const ids = await registeredActionIds();
    const publish = [
      'publish:github:pull-request',
      'publish:gitlab:merge-request',
    ];
    const steps = TEMPLATE.spec.steps as Array<{
      id: string;
      action: string;
      input: Record<string, unknown>;
    }>;
    expect(steps.map(s => `${s.id}:${s.action}`)).toEqual([
      'render:wide-ep:render',
      'preflight:wide-ep:preflight',
      'publish:publish:github:pull-request',
      'publishGitlab:publish:gitlab:merge-request',
      'apply:wide-ep:apply',
      'register:catalog:register',
      'registerApplied:wide-ep:register',
    ]);
    for (const step of steps) {
      expect([...ids, ...publish]).toContain(step.action);
    }
  });

  it('passes each spec field to the wide-EP actions as one expression of the same name', () => {
    const steps = TEMPLATE.spec.steps.filter((s: { action: string }) =>
      s.action.startsWith('wide-ep:'),
    );
    expect(steps).toHaveLength(4);
    for (const step of steps) {
      const specInputs = Object.entries(
        step.input as Record<string, unknown>,
      ).filter(([key]) => (SPEC_FIELDS as readonly string[]).includes(key));
      expect(specInputs.length).toBeGreaterThanOrEqual(11);
      expect(Object.fromEntries(specInputs)).toEqual(
        Object.fromEntries(
          specInputs.map(([key]) => [key, `\${{ parameters.${key} }}`]),
        ),
      );
    }
  });

  it.each([
    ['apply without a cluster', { rollout: 'apply' }, 'cluster'],
    [
      'a pull request without a repository',
      { rollout: 'pull-request' },
      'repoUrl',
    ],
    [
      'both without a repository',
      { rollout: 'both', cluster: 'gpu-east' },
      'repoUrl',
    ],
  ])('rejects %s', async (_name, rollout, missing) => {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleWideEp,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: TEMPLATE,
        values: { ...GROVE_GB200_SEED, ...rollout },
        secrets: {},
        directoryContents: [],
      });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { stack: string }) => e.stack)).toContain(
      'instance does not meet dependency required by instance.rollout',
    );
    // The same values with the missing field are accepted.
    const fixed = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: { ...TEMPLATE, spec: { ...TEMPLATE.spec, steps: [] } },
        values: { ...GROVE_GB200_SEED, ...rollout, [missing]: FILLED[missing] },
        secrets: {},
        directoryContents: [],
      });
    expect(fixed.status).toBe(200);
  });
});
