/**
 * Browser end-to-end: from the wide-EP template form to a live rank card,
 * on one machine. Starts the product as `npm start` does (Backstage plus
 * the local demo cluster with SIMULATED GPUs and vLLM ranks), drives
 * Debian's headless Chromium through playwright-core, and stops everything
 * at the end. Screenshots go to test/artifacts/e2e/ (git-ignored).
 *
 * Run: `npm test` (scripts/test-all.sh), or in test/e2e `npm test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { day2Suite } from './day2Suite';
import {
  ARTIFACTS_DIR,
  REPO_ROOT,
  RunningProduct,
  startProduct,
} from './startProduct';
import {
  Scenario,
  SimulatedPod,
  controlRank,
  fillTemplate,
  need,
  openEntity,
  openSignedIn,
  poll,
  rankCard,
  rankHealthAction,
  rankLabels,
  runTask,
  simulatedPods,
  waitAllHealthy,
} from './wideEpPages';

const MINUTE = 60_000;
// A cold first run builds the demo cluster from Go modules (~8 min on 2 cores).
const START_TIMEOUT_MS = Number(
  process.env.WIDE_EP_E2E_START_TIMEOUT_MS ?? 20 * MINUTE,
);
const UNHEALTHY_WITHIN_MS = 10_000;
const DOCS_IMAGES = path.join(REPO_ROOT, 'docs', 'images');

const log = (line: string) =>
  process.stdout.write(
    `[e2e ${new Date().toISOString().slice(11, 19)}] ${line}\n`,
  );

const SCENARIOS: Scenario[] = [
  {
    id: 'gb200-grove-kgateway',
    title: 'GB200 + Grove + kgateway',
    hardware: /^GB200 NVL72/,
    clusterProvider: /^Generic Kubernetes/,
    orchestrator: /^Grove/,
    gateway: /^kgateway \(one port per pod only/,
    prefill: { replicas: 1, dataParallelSize: 4 },
    decode: { replicas: 1, dataParallelSize: 8 },
    // kgateway routes an InferencePool to its first port only.
    rankPorts: false,
    previewLines: [
      /prefill: 1 group × 1 pods? × 4 ranks = DP4 per group/,
      /decode: 1 group × 2 pods × 4 ranks = DP8 per group/,
      /Total GPUs\s+12/,
    ],
    totalGpus: 12,
    ranks: { prefill: 4, decode: 8 },
  },
  {
    id: 'h200-lws-istio',
    title: 'H200 + LWS + Istio (CoreWeave)',
    hardware: /^H200/,
    clusterProvider: /^CoreWeave/,
    orchestrator: /^LeaderWorkerSet/,
    gateway: /^Istio/,
    prefill: { replicas: 1, dataParallelSize: 8 },
    decode: { replicas: 1, dataParallelSize: 16 },
    rankPorts: true,
    previewLines: [
      /prefill: 1 group × 1 pods? × 8 ranks = DP8 per group/,
      /decode: 1 group × 2 pods × 8 ranks = DP16 per group/,
      /Total GPUs\s+24/,
    ],
    totalGpus: 24,
    ranks: { prefill: 8, decode: 16 },
  },
];

jest.setTimeout(10 * MINUTE);

let product: RunningProduct | undefined;
let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
let startError: Error | undefined;
// Each owned run starts a fresh demo cluster, so fixed names are unique;
// against a reused npm start, a suffix keeps reruns apart.
const nameSuffix =
  process.env.WIDE_EP_E2E_REUSE === '1'
    ? `-${Date.now().toString(36).slice(-5)}`
    : '';

beforeAll(async () => {
  fs.rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  try {
    product = await startProduct({ timeoutMs: START_TIMEOUT_MS, log });
    browser = await launchChromium();
  } catch (error) {
    startError = error as Error;
  }
}, START_TIMEOUT_MS + 2 * MINUTE);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
}, 3 * MINUTE);

describe('the sample entity, deployed on start', () => {
  it('shows live ranks on a first visit: 32 healthy ranks on h200 kwok nodes', async () => {
    if (startError) throw startError;
    const page = await need(browser, 'the browser').context.newPage();
    try {
      await openSignedIn(page, '/catalog/default/component/wide-ep-sample');
      const labels = await waitAllHealthy(page, 32, 2 * MINUTE);
      expect(labels.filter(l => l.startsWith('prefill'))).toHaveLength(16);
      // Placed by the real scheduler on the demo's kwok nodes.
      expect(await rankCard(page).innerText()).toMatch(/h200-\d\d/);
      await rankCard(page).screenshot({
        path: path.join(ARTIFACTS_DIR, 'sample-card.png'),
      });
    } finally {
      await page.close();
    }
  });
});

describe.each(SCENARIOS)('wide-EP template to rank card: $title', scenario => {
  const name = `${scenario.id.split('-')[0]}-demo${nameSuffix}`;
  const state: {
    page?: Page;
    taskDone?: boolean;
    entityOpen?: boolean;
    healthy?: boolean;
  } = {};
  const shot = async (file: string) => {
    if (state.page)
      await state.page.screenshot({
        path: path.join(ARTIFACTS_DIR, `${scenario.id}-${file}`),
        fullPage: true,
      });
  };
  // A failing step leaves a screenshot of where it was.
  const step = (id: string, fn: () => Promise<void>) => async () => {
    if (startError) throw startError;
    try {
      await fn();
    } catch (error) {
      await shot(`failure-${id}.png`).catch(() => {});
      throw error;
    }
  };

  it(
    'fills the form and shows the live topology preview',
    step('form', async () => {
      const page = await need(browser, 'the browser').context.newPage();
      state.page = page;
      page.on(
        'console',
        m =>
          m.type() === 'error' &&
          fs.appendFileSync(
            path.join(ARTIFACTS_DIR, 'browser-console.log'),
            `${scenario.id}: ${m.text()}\n`,
          ),
      );
      const started = Date.now();
      const preview = await fillTemplate(page, scenario, name, shot);
      log(
        `${scenario.title}: form filled in ${Math.round(
          (Date.now() - started) / 1000,
        )} s`,
      );
      expect(preview.afterHardware).toMatch(/Topology preview/);
      for (const line of scenario.previewLines)
        expect(preview.afterHardware).toMatch(line);
      expect(preview.afterGateway).toMatch(
        new RegExp(`Total GPUs\\s+${scenario.totalGpus}\\b`),
      );
      // The demo cluster has the CRDs the variant needs, so those checks pass.
      expect(preview.clusterChecks).toMatch(
        /checks? (fail|pass) on local-demo/,
      );
      expect(preview.clusterChecks).toMatch(
        /✓\s*CRD inferencepools\.inference\.networking\.k8s\.io/,
      );
      if (
        scenario.id.startsWith('gb200') &&
        process.env.WIDE_EP_E2E_DOCS_IMAGES === '1'
      ) {
        fs.mkdirSync(DOCS_IMAGES, { recursive: true });
        fs.copyFileSync(
          path.join(ARTIFACTS_DIR, `${scenario.id}-form-orchestrator.png`),
          path.join(DOCS_IMAGES, 'wide-ep-template-form.png'),
        );
        fs.copyFileSync(
          path.join(ARTIFACTS_DIR, `${scenario.id}-form-rollout.png`),
          path.join(DOCS_IMAGES, 'wide-ep-cluster-checks.png'),
        );
      }
    }),
  );

  it(
    'applies to the local-demo cluster and the task log reaches success',
    step('task', async () => {
      const page = need(state.page, 'the form page');
      const started = Date.now();
      const taskId = await runTask(page, 5 * MINUTE);
      expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
      await page
        .getByText(`Registered component:default/${name}`)
        .first()
        .waitFor({ timeout: 30_000 });
      log(
        `${scenario.title}: task ${taskId} succeeded in ${Math.round(
          (Date.now() - started) / 1000,
        )} s`,
      );
      await shot('task.png');
      state.taskDone = true;
    }),
  );

  it(
    'opens the entity from "Open in catalog" and shows every rank healthy on the rank card',
    step('card', async () => {
      const page = need(state.page, 'the task page');
      need(state.taskDone, 'a successful task');
      await openEntity(page, name);
      state.entityOpen = true;
      const labels = await waitAllHealthy(
        page,
        scenario.ranks.prefill + scenario.ranks.decode,
        2 * MINUTE,
      );
      expect(labels.filter(l => l.startsWith('prefill'))).toHaveLength(
        scenario.ranks.prefill,
      );
      expect(labels.filter(l => l.startsWith('decode'))).toHaveLength(
        scenario.ranks.decode,
      );
      const card = await rankCard(page).innerText();
      expect(card).toMatch(
        new RegExp(
          `${scenario.ranks.prefill} of ${scenario.ranks.prefill} ranks ready`,
        ),
      );
      expect(card).toMatch(
        new RegExp(
          `${scenario.ranks.decode} of ${scenario.ranks.decode} ranks ready`,
        ),
      );
      // kwok nodes of the demo cluster, placed there by the real scheduler.
      expect(card).toMatch(
        scenario.id.startsWith('gb200') ? /gb200-\d+-nvl72-rack-0/ : /h200-\d+/,
      );
      // The same answer through the actions registry, as an assistant gets it.
      const action = await rankHealthAction(`component:default/${name}`);
      expect(action.summary.decode).toMatchObject({
        ready: scenario.ranks.decode,
        total: scenario.ranks.decode,
        groupsReady: action.summary.decode.groups,
      });
      expect(action.ranksNotHealthyTotal).toBe(0);
      await rankCard(page).screenshot({
        path: path.join(ARTIFACTS_DIR, `${scenario.id}-card-healthy.png`),
      });
      state.healthy = true;
    }),
  );

  it(
    `shows a killed simulated rank unhealthy with a reason within ${
      UNHEALTHY_WITHIN_MS / 1000
    } s`,
    step('kill', async () => {
      const page = need(state.page, 'the entity page');
      need(state.healthy, 'a card with every rank healthy');
      const pods = (await simulatedPods()).filter(
        p => p.pod.startsWith(`${name}-`) && p.ranks.length > 0,
      );
      // A decode worker (not the group leader), second rank on it.
      const victim: SimulatedPod | undefined = pods.find(
        p =>
          /decode/.test(p.pod) &&
          !/decode-leader/.test(p.pod) &&
          !/-decode-0$/.test(p.pod),
      );
      const target = need(
        victim,
        `a simulated decode worker pod of ${name} (control endpoint lists ${
          pods.map(p => p.pod).join(', ') || 'none'
        })`,
      ).ranks[1];

      // The card refreshes every 10 s, counted from the end of its last
      // request, so what a user sees lags the backend by up to 10 s. Kill 3 s
      // after a refresh: the next one, ~7 s later, must already show it
      // (the backend re-probes anything older than freshnessMs, 2 s in the demo).
      // The rank list itself, not the history the card also polls (/ranks/history).
      await page.waitForResponse(
        r => new URL(r.url()).pathname.endsWith('/api/wide-ep/ranks'),
        { timeout: 30_000 },
      );
      await page.waitForTimeout(3000);
      await controlRank(victim!, target.port, 'kill');
      const killedAt = Date.now();
      log(
        `${scenario.title}: killed simulated rank ${target.globalRank} (${
          victim!.pod
        } ${victim!.ip}:${target.port})`,
      );

      const pattern = new RegExp(
        `^decode( group \\d+)? rank ${target.globalRank}, unhealthy: (.+)$`,
      );
      const label = await poll(
        `decode rank ${target.globalRank} to turn unhealthy on the card`,
        30_000,
        async () => (await rankLabels(page)).find(l => pattern.test(l)),
      );
      const seconds = (Date.now() - killedAt) / 1000;
      log(
        `${scenario.title}: card shows "${label}" ${seconds.toFixed(
          1,
        )} s after the kill`,
      );
      expect(label).toMatch(/connection refused|not listening/);
      expect(seconds * 1000).toBeLessThanOrEqual(UNHEALTHY_WITHIN_MS);

      // Pin it in the details panel: the reason is shown there too.
      // Focus pins nothing but shows it; Enter pins it (the grid is keyboard-operable).
      await page.getByRole('button', { name: label, exact: true }).focus();
      await page.keyboard.press('Enter');
      await page
        .getByRole('region', { name: 'Rank details' })
        .getByText(/connection refused/)
        .waitFor({ timeout: 10_000 });
      const cardShot = path.join(
        ARTIFACTS_DIR,
        `${scenario.id}-card-killed-rank.png`,
      );
      await rankCard(page).screenshot({ path: cardShot });
      if (
        scenario.id.startsWith('gb200') &&
        process.env.WIDE_EP_E2E_DOCS_IMAGES === '1'
      ) {
        fs.copyFileSync(
          cardShot,
          path.join(DOCS_IMAGES, 'wide-ep-rank-card.png'),
        );
      }
      await controlRank(victim!, target.port, 'heal');
    }),
  );
});

day2Suite({
  browser: () => browser,
  startError: () => startError,
  nameSuffix,
});
