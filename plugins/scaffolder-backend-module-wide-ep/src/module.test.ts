import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import request from 'supertest';
import yaml from 'yaml';
import {
  GROVE_GB200_SEED,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
import scaffolderModuleWideEp from './index';

jest.setTimeout(60_000);

const TEMPLATE = yaml.parse(
  readFileSync(
    resolve(__dirname, '../../../templates/wide-ep/template.yaml'),
    'utf8',
  ),
);

/**
 * GitHub and GitLab are the only things mocked here: they cannot exist in
 * this sandbox. This stands in for publish:github:pull-request and
 * publish:gitlab:merge-request from the GitHub and GitLab scaffolder modules,
 * with their input names, logging and returning placeholder outputs as a dry
 * run would. Everything else is the real scaffolder backend, the real wide-EP
 * module and the real template.
 */
/** The inputs the template passes to both publish actions (same names upstream). */
const PUBLISH_INPUT = {
  repoUrl: (z: any) => z.string(),
  branchName: (z: any) => z.string(),
  title: (z: any) => z.string(),
  description: (z: any) => z.string(),
  sourcePath: (z: any) => z.string().optional(),
  targetPath: (z: any) => z.string().optional(),
};

const fakeGitHostsModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'fake-git-hosts',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(
          createTemplateAction({
            id: 'publish:github:pull-request',
            supportsDryRun: true,
            schema: { input: PUBLISH_INPUT },
            async handler(ctx) {
              ctx.logger.info('Performing dry run of creating pull request');
              ctx.output('targetBranchName', ctx.input.branchName);
              ctx.output('remoteUrl', ctx.input.repoUrl);
              ctx.output('pullRequestNumber', 43);
            },
          }),
          createTemplateAction({
            id: 'publish:gitlab:merge-request',
            supportsDryRun: true,
            schema: { input: PUBLISH_INPUT },
            async handler(ctx) {
              ctx.logger.info(
                `Performing dry run of creating merge request from ${ctx.input.branchName} with ${ctx.input.sourcePath} at ${ctx.input.targetPath}`,
              );
              ctx.output(
                'mergeRequestUrl',
                `https://gitlab.com/acme/llm/-/merge_requests/7`,
              );
            },
          }),
        );
      },
    });
  },
});

/** A configured cluster nobody listens on: the dry run must degrade, not fail. */
const CONFIG = {
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'wide-ep-local',
            url: 'https://127.0.0.1:9',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'not-a-real-token',
            skipTLSVerify: true,
          },
        ],
      },
    ],
  },
  // Refused connections are retried until this bound (a dry run waits at
  // most 10 s); short here, so the dry runs degrade at once.
  wideEp: { clusterCalls: { giveUpAfter: '1s' } },
};

async function startBackend() {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleWideEp,
      fakeGitHostsModule,
      mockServices.rootConfig.factory({ data: CONFIG }),
    ],
  });
  return server;
}

function decode(contents: Array<{ path: string; base64Content: string }>) {
  return Object.fromEntries(
    contents.map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );
}

describe('scaffolder module wide-ep', () => {
  it('lists the three actions with their schemas', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', mockCredentials.user.header());

    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.map((a: any) => [a.id, a]));
    for (const id of ['wide-ep:render', 'wide-ep:preflight', 'wide-ep:apply']) {
      expect(byId[id]).toBeDefined();
      expect(byId[id].examples.length).toBeGreaterThan(0);
    }
    expect(
      byId['wide-ep:render'].schema.input.properties.hardware.enum,
    ).toEqual(['gb200', 'h200', 'b200']);
    expect(byId['wide-ep:apply'].schema.input.required).toEqual(
      expect.arrayContaining(['name', 'namespace', 'model', 'cluster']),
    );
    expect(byId['wide-ep:render'].schema.output.properties.entityRef.type).toBe(
      'string',
    );
    // The template's other steps are available too.
    expect(byId['catalog:register']).toBeDefined();
  });

  it.each([
    ['Grove GB200', GROVE_GB200_SEED, 'manifests/podcliqueset-wide-ep.yaml'],
    [
      'LWS H200',
      LWS_H200_SEED,
      'manifests/leaderworkerset-wide-ep-decode.yaml',
    ],
  ])(
    'dry-runs the real template for the %s seed and returns the generated files',
    async (_n, seed, workload) => {
      const server = await startBackend();
      const values = {
        ...seed,
        servedModelName: undefined,
        rollout: 'both',
        repoUrl: 'github.com?owner=acme&repo=llm-deployments',
        cluster: 'wide-ep-local',
        owner: 'group:default/ml-platform',
      };
      const res = await request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header())
        .send({
          template: TEMPLATE,
          values,
          secrets: {},
          directoryContents: [],
        });

      expect(res.status).toBe(200);
      const files = decode(res.body.directoryContents);
      const kinds = Object.values(files).map(
        content => /^kind: (\w+)$/m.exec(content)?.[1],
      );
      expect(files[`deployment/${workload}`]).toBeDefined();
      expect(kinds).toEqual(
        expect.arrayContaining(['InferencePool', 'Gateway', 'HTTPRoute']),
      );
      expect(files['deployment/catalog-info.yaml']).toContain(
        'backstage.io/kubernetes-cluster: wide-ep-local',
      );
      expect(files['deployment/catalog-info.yaml']).toContain(
        'owner: group:default/ml-platform',
      );

      const messages: string[] = res.body.log.map((l: any) => l.body.message);
      if (process.env.DEBUG_DRY_RUN)
        console.log(
          messages
            .filter(m => !m.includes('dry-run mode with inputs'))
            .join('\n'),
        );
      const errors = res.body.log.filter(
        (l: any) => l.body.status === 'failed',
      );
      expect(errors).toEqual([]);
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /warn.*: preflight skipped in dry run: cluster "wide-ep-local" unreachable/,
          ),
          expect.stringMatching(
            /warn.*: server-side dry run skipped: cluster "wide-ep-local" unreachable: .*; the objects were rendered but not sent$/,
          ),
        ]),
      );
      expect(res.body.output.links).toEqual([
        {
          title: 'Pull request',
          url: 'github.com?owner=acme&repo=llm-deployments',
        },
        expect.objectContaining({ title: 'Open in catalog', icon: 'catalog' }),
      ]);
    },
  );

  it('opens a GitLab merge request instead of a pull request for a gitlab.com repository', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: TEMPLATE,
        values: {
          ...LWS_H200_SEED,
          rollout: 'pull-request',
          repoUrl: 'gitlab.com?owner=acme&repo=llm',
        },
        secrets: {},
        directoryContents: [],
      });
    expect(res.status).toBe(200);
    const byStatus = (status: string) =>
      new Set(
        res.body.log
          .filter((l: any) => l.body.status === status)
          .map((l: any) => l.body.stepId),
      );
    expect([...byStatus('skipped')]).toEqual(
      expect.arrayContaining(['publish', 'preflight', 'apply']),
    );
    expect([...byStatus('completed')]).toContain('publishGitlab');
    const messages: string[] = res.body.log.map((l: any) => l.body.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'Performing dry run of creating merge request from wide-ep-wide-ep with ./deployment at deploy/wide-ep',
        ),
      ]),
    );
    // The entity is registered from the merge request's branch, GitLab-style.
    expect(messages.join('\n')).toContain(
      'https://gitlab.com/acme/llm/-/blob/wide-ep-wide-ep/deploy/wide-ep/catalog-info.yaml',
    );
    expect(res.body.output.links).toEqual([
      {
        title: 'Merge request',
        url: 'https://gitlab.com/acme/llm/-/merge_requests/7',
      },
      expect.objectContaining({ title: 'Open in catalog', icon: 'catalog' }),
    ]);
  });

  it("passes the form's cleanupOnFailure choice to wide-ep:apply", async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: TEMPLATE,
        values: {
          ...LWS_H200_SEED,
          rollout: 'apply',
          cluster: 'wide-ep-local',
          cleanupOnFailure: true,
        },
        secrets: {},
        directoryContents: [],
      });
    expect(res.status).toBe(200);
    const applyInputs = res.body.log
      .filter((l: any) => l.body.stepId === 'apply')
      .map((l: any) => l.body.message)
      .find((m: string) => m.includes('dry-run mode with inputs'));
    expect(applyInputs).toMatch(/"cleanupOnFailure":\s*true/);
  });

  it('renders, and skips the cluster steps, for a pull-request rollout', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: TEMPLATE,
        values: {
          ...GROVE_GB200_SEED,
          rollout: 'pull-request',
          repoUrl: 'github.com?owner=acme&repo=llm-deployments',
        },
        secrets: {},
        directoryContents: [],
      });
    expect(res.status).toBe(200);
    const files = decode(res.body.directoryContents);
    expect(files['deployment/catalog-info.yaml']).not.toContain(
      'kubernetes-cluster',
    );
    const skipped = res.body.log
      .filter((l: any) => l.body.status === 'skipped')
      .map((l: any) => l.body.stepId);
    expect(skipped).toEqual(expect.arrayContaining(['preflight', 'apply']));
  });

  it('rejects form values that break the spec rules with the field named', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: TEMPLATE,
        values: {
          ...LWS_H200_SEED,
          decode: { replicas: 1, dataParallelSize: 12 },
          rollout: 'pull-request',
          repoUrl: 'github.com?owner=acme&repo=llm-deployments',
        },
        secrets: {},
        directoryContents: [],
      });
    expect(JSON.stringify(res.body)).toContain(
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
    );
  });
});
