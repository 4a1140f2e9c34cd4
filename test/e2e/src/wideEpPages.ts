import type { Locator, Page } from 'playwright-core';
import { BACKEND_URL, CONTROL_URL, FRONTEND_URL } from './startProduct';

/** One pass through the template: what to pick and what to expect. */
export interface Scenario {
  id: string;
  title: string;
  /** Option labels as the form shows them. */
  hardware: RegExp;
  clusterProvider: RegExp;
  orchestrator: RegExp;
  gateway: RegExp;
  prefill: { replicas: number; dataParallelSize: number };
  decode: { replicas: number; dataParallelSize: number };
  /** "One port per rank": off for gateways that route one port per pod. */
  rankPorts: boolean;
  /** Lines the live preview must show once hardware is chosen. */
  previewLines: RegExp[];
  totalGpus: number;
  ranks: { prefill: number; decode: number };
}

/** Fails fast with a clear message when an earlier step of the same scenario failed. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(
      `skipped: ${what} is missing because an earlier step of this scenario failed`,
    );
  return value;
}

async function poll<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T | undefined>,
  describe?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const detail = describe ? `; ${await describe()}` : '';
      throw new Error(
        `timed out after ${Math.round(
          timeoutMs / 1000,
        )} s waiting for ${what}${detail}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * Opens a URL and signs in as guest when the sign-in page shows. The first
 * load after start compiles nothing, but the bundle is large and the guest
 * button appears only after the app has booted, so wait generously.
 */
export async function openSignedIn(
  page: Page,
  path: string,
  timeoutMs = 180_000,
): Promise<void> {
  await page.goto(`${FRONTEND_URL}${path}`, {
    waitUntil: 'networkidle',
    timeout: timeoutMs,
  });
  const enter = page.getByRole('button', { name: /^enter$/i });
  const appNav = page.getByRole('link', { name: /^create/i });
  await poll(
    'the guest sign-in button or the signed-in app',
    timeoutMs,
    async () => {
      if (await enter.first().isVisible()) {
        await enter.first().click();
        return true;
      }
      return (await appNav.first().isVisible()) ? true : undefined;
    },
    async () =>
      `page text: ${(
        await page
          .locator('body')
          .innerText()
          .catch(() => '')
      ).slice(0, 300)}`,
  );
}

/**
 * Picks an option of an MUI select and checks that it took: right after a
 * page change the form can re-render and drop a pick, so retry.
 */
async function pick(
  page: Page,
  fieldId: string,
  option: RegExp,
): Promise<void> {
  const select = page.locator(`#${fieldId}`);
  await select.waitFor({ timeout: 30_000 });
  for (let attempt = 1; ; attempt++) {
    await select.click();
    await page.getByRole('option', { name: option }).click();
    await page
      .getByRole('listbox')
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => {});
    await page.waitForTimeout(300);
    const shown = await select.innerText();
    if (option.test(shown)) return;
    if (attempt === 3) {
      throw new Error(
        `could not pick ${option} in ${fieldId}: it shows "${shown}"`,
      );
    }
  }
}

/** Fills a text or number field and checks the value stuck. */
async function fill(page: Page, fieldId: string, value: string): Promise<void> {
  const input = page.locator(`#${fieldId}`);
  for (let attempt = 1; ; attempt++) {
    await input.fill(value);
    await page.waitForTimeout(100);
    if ((await input.inputValue()) === value) return;
    if (attempt === 3) {
      throw new Error(
        `could not fill ${fieldId} with "${value}": it shows "${await input.inputValue()}"`,
      );
    }
  }
}

/** The text of the topology preview field on the current page. */
export async function previewText(page: Page): Promise<string> {
  const field = page.locator('form').first();
  return field.innerText();
}

async function next(
  page: Page,
  label: 'Next' | 'Review' = 'Next',
): Promise<void> {
  await page.getByRole('button', { name: label, exact: true }).click();
}

/**
 * /create → the wide-EP template → fills every page, checking the live
 * preview; stops on the review page. Returns the preview texts seen.
 */
export async function fillTemplate(
  page: Page,
  scenario: Scenario,
  name: string,
  shot: (file: string) => Promise<void>,
): Promise<{
  afterHardware: string;
  afterOrchestrator: string;
  afterGateway: string;
  clusterChecks: string;
}> {
  await openSignedIn(page, '/create');
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Wide-EP LLM deployment (llm-d)' });
  await card
    .getByRole('button', { name: /choose/i })
    .click({ timeout: 60_000 });
  await page.getByText('Topology preview').first().waitFor({ timeout: 60_000 });

  await fill(page, 'root_name', name);
  await fill(page, 'root_prefill_replicas', String(scenario.prefill.replicas));
  await fill(
    page,
    'root_prefill_dataParallelSize',
    String(scenario.prefill.dataParallelSize),
  );
  await fill(page, 'root_decode_replicas', String(scenario.decode.replicas));
  await fill(
    page,
    'root_decode_dataParallelSize',
    String(scenario.decode.dataParallelSize),
  );
  await page.locator('#root_rankPorts').setChecked(scenario.rankPorts);
  await next(page);

  await pick(page, 'root_hardware', scenario.hardware);
  await pick(page, 'root_clusterProvider', scenario.clusterProvider);
  const afterHardware = await poll(
    'the live preview to show the rank layout',
    20_000,
    async () => {
      const text = await previewText(page);
      return scenario.previewLines.every(re => re.test(text))
        ? text
        : undefined;
    },
    async () =>
      `expected ${scenario.previewLines
        .map(String)
        .join(', ')} in:\n${await previewText(page)}`,
  );
  await next(page);

  await pick(page, 'root_orchestrator', scenario.orchestrator);
  const afterOrchestrator = await previewText(page);
  await shot('form-orchestrator.png');
  await next(page);

  await pick(page, 'root_gateway', scenario.gateway);
  const afterGateway = await previewText(page);
  await next(page);

  await pick(page, 'root_rollout', /^Apply to a cluster now/);
  // The picker lists the backend's clusters; the demo's is the only one.
  await pick(page, 'root_cluster', /^local-demo \(simulated GPUs\)$/);
  // The picker runs the preflight checks of this spec on the demo cluster.
  const checks = page.getByRole('region', {
    name: 'Checks on cluster local-demo',
  });
  await checks.waitFor({ timeout: 30_000 });
  const clusterChecks = await checks.innerText();
  await shot('form-rollout.png');
  await next(page, 'Review');
  await page
    .getByRole('button', { name: 'Create', exact: true })
    .waitFor({ timeout: 30_000 });
  await shot('form-review.png');
  return { afterHardware, afterOrchestrator, afterGateway, clusterChecks };
}

/** A guest token for the backend API (as the README's curl does). */
export async function guestToken(): Promise<string> {
  const res = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`);
  const body = (await res.json()) as { backstageIdentity?: { token?: string } };
  const token = body.backstageIdentity?.token;
  if (!token) throw new Error(`guest sign-in failed: HTTP ${res.status}`);
  return token;
}

/**
 * Invokes the backend's `wide-ep:get-rank-health` action (what an MCP client
 * reaches) as the guest user and returns its output.
 */
export async function rankHealthAction(entityRef: string): Promise<any> {
  const token = await guestToken();
  const res = await fetch(
    `${BACKEND_URL}/api/wide-ep/.backstage/actions/v1/actions/${encodeURIComponent(
      'wide-ep:get-rank-health',
    )}/invoke`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ entityRef }),
    },
  );
  const body = (await res.json()) as { output?: unknown };
  if (!res.ok) {
    throw new Error(
      `wide-ep:get-rank-health: HTTP ${res.status} ${JSON.stringify(body)}`,
    );
  }
  return body.output;
}

/** The task's log lines, for failure messages. */
async function taskLog(taskId: string): Promise<string> {
  const token = await guestToken();
  const res = await fetch(
    `${BACKEND_URL}/api/scaffolder/v2/tasks/${taskId}/events`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  const events = (await res.json()) as Array<{
    type: string;
    body: { message?: string };
  }>;
  return events
    .filter(e => e.type === 'log')
    .map(e => e.body.message)
    .slice(-30)
    .join('\n');
}

/**
 * Clicks Create on the review page, follows the task page until the task
 * succeeds (failing with its log if it fails) and returns the task id.
 */
export async function runTask(
  page: Page,
  timeoutMs: number,
  options: { doneLink?: RegExp | null } = {},
): Promise<string> {
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/\/create\/tasks\/[0-9a-f-]+/, { timeout: 60_000 });
  const taskId = /\/create\/tasks\/([0-9a-f-]+)/.exec(page.url())![1];
  const token = await guestToken();
  const status = await poll(`task ${taskId} to finish`, timeoutMs, async () => {
    const res = await fetch(
      `${BACKEND_URL}/api/scaffolder/v2/tasks/${taskId}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const s = ((await res.json()) as { status?: string }).status;
    return s && !['open', 'processing'].includes(s) ? s : undefined;
  });
  if (status !== 'completed') {
    throw new Error(
      `task ${taskId} ended "${status}"; last log lines:\n${await taskLog(
        taskId,
      )}`,
    );
  }
  // The UI follows the same task: its output link appears when it has seen the end.
  if (options.doneLink !== null) {
    await page
      .getByRole('link', { name: options.doneLink ?? /open in catalog/i })
      .waitFor({ timeout: 60_000 });
  }
  return taskId;
}

/** The rank cells of the card: `<role>[ group g] rank <n>, <state>[: reason]`. */
export function rankCells(page: Page): Locator {
  return page.getByRole('button', {
    name: /^(prefill|decode)( group \d+)? rank \d+, /,
  });
}

export async function rankLabels(page: Page): Promise<string[]> {
  return rankCells(page).evaluateAll(els =>
    els.map(e => e.getAttribute('aria-label') ?? ''),
  );
}

/** The "Rank health" card. */
export function rankCard(page: Page): Locator {
  return page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Rank health', { exact: true }) });
}

/**
 * From the task page, "Open in catalog" → the entity page; retries while
 * the catalog has not ingested the entity yet (it shows within ~3 s).
 */
export async function openEntity(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name: /open in catalog/i }).click();
  await page.waitForURL(new RegExp(`/catalog/default/component/${name}`), {
    timeout: 60_000,
  });
  await poll(
    `the entity page of ${name} with its Rank health card`,
    90_000,
    async () => {
      if (
        await page.getByText('Rank health', { exact: true }).first().isVisible()
      )
        return true;
      if (
        await page
          .getByText(/not found/i)
          .first()
          .isVisible()
      ) {
        await page.waitForTimeout(2000);
        await page.reload({ waitUntil: 'networkidle' });
      }
      return undefined;
    },
    async () =>
      `page text: ${(await page.locator('body').innerText()).slice(0, 500)}`,
  );
}

/** Waits until the card shows exactly `expected` ranks, all healthy. */
export async function waitAllHealthy(
  page: Page,
  expected: number,
  timeoutMs: number,
): Promise<string[]> {
  return poll(
    `${expected} healthy ranks on the card`,
    timeoutMs,
    async () => {
      const labels = await rankLabels(page);
      return labels.length === expected &&
        labels.every(l => /, healthy$/.test(l))
        ? labels
        : undefined;
    },
    async () => {
      const labels = await rankLabels(page);
      const card = await rankCard(page)
        .innerText()
        .catch(() => '(no card)');
      return `card shows ${labels.length} ranks: ${
        labels
          .filter(l => !/, healthy$/.test(l))
          .slice(0, 5)
          .join(' | ') || 'all healthy'
      }\n${card.slice(0, 800)}`;
    },
  );
}

/** A simulated pod as the demo operator's control endpoint reports it. */
export interface SimulatedPod {
  namespace: string;
  pod: string;
  workload: string;
  phase: string;
  ready: boolean;
  node?: string;
  ip: string;
  ranks: Array<{ globalRank: number; port: number; state: string }>;
}

export async function simulatedPods(): Promise<SimulatedPod[]> {
  const res = await fetch(`${CONTROL_URL}/pods`);
  if (!res.ok)
    throw new Error(
      `demo control endpoint ${CONTROL_URL}/pods: HTTP ${res.status}`,
    );
  return ((await res.json()) as { pods: SimulatedPod[] }).pods;
}

export async function controlRank(
  pod: SimulatedPod,
  port: number,
  action: 'kill' | 'heal',
): Promise<void> {
  const res = await fetch(
    `${CONTROL_URL}/ranks/${pod.namespace}/${pod.pod}/${port}/${action}`,
    { method: 'POST' },
  );
  if (!res.ok)
    throw new Error(
      `demo control endpoint: ${action} ${pod.pod}:${port}: HTTP ${
        res.status
      } ${await res.text()}`,
    );
}

export { poll };
