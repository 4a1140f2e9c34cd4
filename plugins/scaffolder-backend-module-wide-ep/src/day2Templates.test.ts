/*
 * The day-2 templates as a user runs them: the real scaffolder backend runs
 * templates/wide-ep-update and templates/wide-ep-teardown (read from disk)
 * with the real wide-EP module and the real publish:github:pull-request
 * action. Only GitHub's API is replaced (SIMULATED): the Octokit client the
 * action builds, which records the pull request it is asked to open. The
 * catalog is the catalog-node test double holding the templates and the
 * deployment's entity as the create template registers it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createPublishGithubPullRequestAction } from '@backstage/plugin-scaffolder-backend-module-github';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  LWS_H200_SEED,
  parseSpec,
  planUpdate,
  renderDeployment,
} from '@internal/plugin-wide-ep-common';
import request from 'supertest';
import yaml from 'yaml';
import scaffolderModuleWideEp from './index';

jest.setTimeout(90_000);

const REPO = resolve(__dirname, '../../..');
const template = (name: string) => ({
  ...yaml.parse(
    readFileSync(resolve(REPO, `templates/${name}/template.yaml`), 'utf8'),
  ),
  metadata: {
    ...yaml.parse(
      readFileSync(resolve(REPO, `templates/${name}/template.yaml`), 'utf8'),
    ).metadata,
    namespace: 'default',
  },
});

const SPEC = (() => {
  const parsed = parseSpec({ ...LWS_H200_SEED, cluster: 'gpu-east' });
  if (!parsed.success) throw new Error('seed invalid');
  return parsed.spec;
})();

/** The entity as catalog:register leaves it for a pull-request rollout. */
function deploymentEntity() {
  const { entity } = renderDeployment(SPEC);
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      namespace: 'default',
      annotations: {
        ...entity.metadata.annotations,
        'backstage.io/managed-by-location': `url:https://github.com/acme/deploy/blob/wide-ep-${SPEC.name}/deploy/${SPEC.name}/catalog-info.yaml`,
      },
    },
  };
}

type Opened = {
  owner: string;
  repo: string;
  head: string;
  files: Record<string, unknown>;
};

async function runTemplate(
  name: string,
  values: Record<string, unknown>,
): Promise<{ status: string; opened: Opened[]; log: string }> {
  const opened: Opened[] = [];
  const githubModule = createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'test-github-pr',
    register(env) {
      env.registerInit({
        deps: {
          scaffolder: scaffolderActionsExtensionPoint,
          config: coreServices.rootConfig,
        },
        async init({ scaffolder, config }) {
          scaffolder.addActions(
            createPublishGithubPullRequestAction({
              integrations: ScmIntegrations.fromConfig(config),
              config,
              // SIMULATED GitHub: records the pull request instead of calling api.github.com.
              clientFactory: async ({ owner, repo }) =>
                ({
                  createPullRequest: async (options: any) => {
                    opened.push({
                      owner,
                      repo,
                      head: options.head,
                      files: options.changes[0].files,
                    });
                    return {
                      data: {
                        html_url: `https://github.com/${owner}/${repo}/pull/7`,
                        number: 7,
                        base: { ref: 'main' },
                      },
                    };
                  },
                } as any),
            }),
          );
        },
      });
    },
  });
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleWideEp,
      githubModule,
      catalogServiceMock.factory({
        entities: [
          template('wide-ep-update'),
          template('wide-ep-teardown'),
          deploymentEntity(),
        ] as any,
      }),
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [{ host: 'github.com', token: 'SIMULATED' }],
          },
        },
      }),
    ],
  });
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', mockCredentials.user.header())
    .send({ templateRef: `template:default/${name}`, values });
  expect(created.status).toBe(201);
  const id = created.body.id;
  for (let i = 0; i < 300; i++) {
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}`)
      .set('Authorization', mockCredentials.user.header());
    if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
      const events = await request(server)
        .get(`/api/scaffolder/v2/tasks/${id}/events`)
        .set('Authorization', mockCredentials.user.header());
      const log = events.body
        .map((e: any) => e.body?.message)
        .filter(Boolean)
        .join('\n');
      return { status: task.body.status, opened, log };
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('task did not finish');
}

describe('templates/wide-ep-update, pull-request rollout', () => {
  it('opens a pull request that commits exactly the files whose content changed', async () => {
    const { status, opened, log } = await runTemplate('wide-ep-update', {
      entityRef: 'component:default/wide-ep',
      decode: { replicas: 2 },
    });
    expect({ status, log }).toMatchObject({ status: 'completed' });
    expect(opened).toHaveLength(1);
    const plan = planUpdate(SPEC, {
      ...SPEC,
      decode: { ...SPEC.decode, replicas: 2 },
    });
    const expected = plan.files
      .filter(f => f.change !== 'unchanged')
      .map(f => `deploy/wide-ep/${f.path}`)
      .sort();
    expect(expected).toEqual([
      'deploy/wide-ep/README.md',
      'deploy/wide-ep/catalog-info.yaml',
      'deploy/wide-ep/manifests/leaderworkerset-wide-ep-decode.yaml',
    ]);
    expect(opened[0]).toMatchObject({ owner: 'acme', repo: 'deploy' });
    expect(opened[0].head).toMatch(/^wide-ep-wide-ep-update-[0-9a-f]{8}$/);
    expect(Object.keys(opened[0].files).sort()).toEqual(expected);
    const decode = Buffer.from(
      (
        opened[0].files[
          'deploy/wide-ep/manifests/leaderworkerset-wide-ep-decode.yaml'
        ] as any
      ).content,
      'base64',
    ).toString('utf8');
    expect(yaml.parse(decode).spec.replicas).toBe(2);
  });

  it('opens no pull request when nothing changes', async () => {
    const { status, opened, log } = await runTemplate('wide-ep-update', {
      entityRef: 'component:default/wide-ep',
      decode: { replicas: SPEC.decode.replicas },
    });
    expect(status).toBe('completed');
    expect(opened).toEqual([]);
    expect(log).toContain('Nothing to roll out');
  });

  it('refuses an invalid size, naming the field', async () => {
    const { status, opened, log } = await runTemplate('wide-ep-update', {
      entityRef: 'component:default/wide-ep',
      decode: { dataParallelSize: 12 },
    });
    expect(status).toBe('failed');
    expect(opened).toEqual([]);
    expect(log).toContain('decode.dataParallelSize');
  });
});

describe('templates/wide-ep-teardown, pull-request rollout', () => {
  it('opens the pull request that deletes every file of the folder', async () => {
    const { status, opened, log } = await runTemplate('wide-ep-teardown', {
      entityRef: 'component:default/wide-ep',
      confirm: 'wide-ep',
    });
    expect({ status, log }).toMatchObject({ status: 'completed' });
    expect(opened).toHaveLength(1);
    const files = opened[0].files;
    expect(Object.keys(files).sort()).toEqual(
      renderDeployment(SPEC)
        .files.map(f => `deploy/wide-ep/${f.path}`)
        .sort(),
    );
    // Every entry is a deletion: octokit-plugin-create-pull-request's DELETE_FILE symbol.
    expect(
      Object.values(files).map(v =>
        typeof v === 'symbol' ? v.description : typeof v,
      ),
    ).toEqual(Object.keys(files).map(() => 'DELETE_FILE'));
    expect(opened[0].head).toBe('wide-ep-wide-ep-teardown');
  });

  it('deletes nothing when the typed name does not match', async () => {
    const { status, opened, log } = await runTemplate('wide-ep-teardown', {
      entityRef: 'component:default/wide-ep',
      confirm: 'wide-ep-prod',
    });
    expect(status).toBe('failed');
    expect(opened).toEqual([]);
    expect(log).toContain('confirm: type the deployment\'s name "wide-ep"');
  });
});
