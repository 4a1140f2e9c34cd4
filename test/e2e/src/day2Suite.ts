/* eslint-disable jest/no-export -- a suite demo.e2e.ts runs on its running product, not a test file of its own */
/**
 * Day 2 in real Chromium on the local demo (npm start): from the entity page
 * of an apply-only deployment, scale decode from 1 to 2 groups with the
 * update template and see every rank healthy on the card; edit the EPP image
 * with the real kubectl and see the diff name it and its field manager;
 * tear down and see no labelled object left on the API server and the entity
 * gone from the catalog. Nodes, operators and vLLM ranks are the demo's
 * SIMULATED ones (test/demo); the API server, catalog, scaffolder and
 * browser are real.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS_DIR, BACKEND_URL, REPO_ROOT } from './startProduct';
import {
  Scenario,
  fillTemplate,
  guestToken,
  need,
  openEntity,
  poll,
  runTask,
  waitAllHealthy,
} from './wideEpPages';

const MINUTE = 60_000;
const KUBECTL = path.join(REPO_ROOT, 'test/cluster/.bin/kubectl');
const DEMO_KUBECONFIG = path.join(
  process.env.WIDE_EP_DEMO_STATE_DIR ??
    path.join(REPO_ROOT, '.wide-ep', 'demo-cluster'),
  'kubeconfig',
);
const NAMESPACE = 'llm-d-wide-ep';

const SCENARIO: Scenario = {
  id: 'day2-h200-lws-istio',
  title: 'H200 + LWS + Istio (CoreWeave), day 2',
  hardware: /^H200/,
  clusterProvider: /^CoreWeave/,
  orchestrator: /^LeaderWorkerSet/,
  gateway: /^Istio/,
  prefill: { replicas: 1, dataParallelSize: 8 },
  decode: { replicas: 1, dataParallelSize: 16 },
  rankPorts: true,
  previewLines: [/Total GPUs\s+24/],
  totalGpus: 24,
  ranks: { prefill: 8, decode: 16 },
};

const log = (line: string) =>
  process.stdout.write(
    `[e2e ${new Date().toISOString().slice(11, 19)}] ${line}\n`,
  );

const kubectl = (...args: string[]) =>
  execFileSync(KUBECTL, ['--kubeconfig', DEMO_KUBECONFIG, ...args], {
    encoding: 'utf8',
  });

/** What the suite needs from the file that started the product. */
export interface Day2Env {
  browser(): { context: BrowserContext } | undefined;
  startError(): Error | undefined;
  nameSuffix: string;
}

/**
 * The day-2 steps, run by demo.e2e.ts after the create scenarios on the
 * same running product and browser (one `npm start` for the whole suite).
 */
export function day2Suite(env: Day2Env) {
  const name = `day2-demo${env.nameSuffix}`;
  describe('day 2 from the entity page', () => {
    const state: { page?: Page; deployed?: boolean; scaled?: boolean } = {};
    const step = (id: string, fn: () => Promise<void>) => async () => {
      const startError = env.startError();
      if (startError) throw startError;
      try {
        await fn();
      } catch (error) {
        await state.page
          ?.screenshot({
            path: path.join(ARTIFACTS_DIR, `day2-failure-${id}.png`),
          })
          .catch(() => {});
        throw error;
      }
    };
    const wideEpTab = async (page: Page) => {
      await page.goto(
        `http://localhost:3000/catalog/default/component/${name}/wide-ep`,
      );
      await page
        .getByRole('table', { name: 'Deployment spec' })
        .waitFor({ timeout: 60_000 });
    };

    it(
      'deploys with an apply rollout (24 ranks)',
      step('deploy', async () => {
        const page = await need(env.browser(), 'the browser').context.newPage();
        state.page = page;
        await fillTemplate(page, SCENARIO, name, async () => {});
        await runTask(page, 5 * MINUTE);
        await openEntity(page, name);
        expect(await waitAllHealthy(page, 24, 2 * MINUTE)).toHaveLength(24);
        state.deployed = true;
      }),
    );

    it(
      'scales decode from 1 to 2 groups from the Wide-EP tab; the card shows 40 ranks, all healthy',
      step('scale', async () => {
        const page = need(state.page, 'the entity page');
        need(state.deployed, 'a deployed entity');
        await wideEpTab(page);
        await page.getByRole('link', { name: 'Scale or upgrade' }).click();
        await page.waitForURL(/\/create\/templates\/default\/wide-ep-update/);
        const replicas = page.locator('#root_decode_replicas');
        await replicas.waitFor({ timeout: 60_000 });
        // Prefilled from the entity: the current size.
        expect(await replicas.inputValue()).toBe('1');
        await replicas.fill('2');
        const preview = page.getByRole('region', { name: 'What changes' });
        await preview.getByText(/GPUs 24 → 40/).waitFor({ timeout: 30_000 });
        expect(await preview.innerText()).toMatch(
          new RegExp(`modified manifests/leaderworkerset-${name}-decode.yaml`),
        );
        await page.getByRole('button', { name: 'Next' }).click();
        await page.getByRole('button', { name: 'Review' }).click();
        await runTask(page, 5 * MINUTE);
        await page.goto(
          `http://localhost:3000/catalog/default/component/${name}`,
        );
        const labels = await waitAllHealthy(page, 40, 3 * MINUTE);
        expect(labels.filter(l => l.startsWith('decode'))).toHaveLength(32);
        await wideEpTab(page);
        expect(
          await page
            .getByRole('table', { name: 'Deployment spec' })
            .innerText(),
        ).toMatch(/Decode\s+2 x DP16/);
        state.scaled = true;
      }),
    );

    it(
      'names a kubectl edit and its field manager in the diff',
      step('diff', async () => {
        const page = need(state.page, 'the entity page');
        need(state.scaled, 'a scaled deployment');
        kubectl(
          '-n',
          NAMESPACE,
          'patch',
          'deployment',
          `${name}-infpool-epp`,
          '-p',
          JSON.stringify({
            spec: {
              template: {
                spec: {
                  containers: [
                    { name: 'epp', image: 'example.com/epp:hotfix' },
                  ],
                },
              },
            },
          }),
        );
        await wideEpTab(page);
        await page
          .getByRole('button', { name: 'Compare with the cluster' })
          .click();
        const differences = page.getByRole('list', { name: 'Differences' });
        await differences.waitFor({ timeout: 30_000 });
        const text = await differences.innerText();
        log(`diff: ${text.replace(/\n/g, ' | ')}`);
        expect(text).toContain(
          'spec.template.spec.containers[name=epp].image: cluster "example.com/epp:hotfix"',
        );
        expect(text).toContain('(field manager kubectl-patch)');
      }),
    );

    it(
      'tears down: no object with the deployment label is left, and the catalog no longer lists it',
      step('teardown', async () => {
        const page = need(state.page, 'the entity page');
        need(state.deployed, 'a deployed entity');
        await wideEpTab(page);
        await page.getByRole('link', { name: 'Tear down' }).click();
        await page.waitForURL(/\/create\/templates\/default\/wide-ep-teardown/);
        await page.getByLabel(/Type the deployment's name/).fill(name);
        await page.getByRole('button', { name: 'Review' }).click();
        await runTask(page, 5 * MINUTE, { doneLink: null });
        const selector = `wide-ep.backstage.io/deployment=${name}`;
        const left = kubectl(
          '-n',
          NAMESPACE,
          'get',
          'leaderworkersets,deployments,services,configmaps,serviceaccounts,roles,rolebindings,inferencepools,httproutes,gateways,pods',
          '-l',
          selector,
          '-o',
          'name',
        ).trim();
        expect(left).toBe('');
        const token = await guestToken();
        await poll(`${name} to leave the catalog`, 60_000, async () => {
          const res = await fetch(
            `${BACKEND_URL}/api/catalog/entities/by-name/component/default/${name}`,
            { headers: { authorization: `Bearer ${token}` } },
          );
          return res.status === 404 ? true : undefined;
        });
      }),
    );
  });
}
