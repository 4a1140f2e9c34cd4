/*
 * Child process of ranks.bench.ts: the viewers. Each viewer is one
 * keep-alive connection that GETs the rank-health API every `pollMs`,
 * like a browser tab with the card open. Runs apart from the backend so
 * client work does not distort the server's latency.
 *
 * Message in: { url, viewers, seconds, pollMs }, or { plans, seconds, pollMs }
 * where plans[v] lists the URLs viewer v fetches, one after the other, every
 * poll (e.g. one viewer cycling through 20 cards). Message out: the phase
 * result.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

interface PhaseRequest {
  url?: string;
  viewers?: number;
  plans?: string[][];
  seconds: number;
  pollMs: number;
}

function get(
  url: string,
  agent: http.Agent,
  parse: boolean,
): Promise<{ status: number; ranks?: number; healthy?: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          if (!parse || res.statusCode !== 200) {
            resolve({ status: res.statusCode ?? 0 });
            return;
          }
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve({
            status: 200,
            ranks: body.ranks.length,
            healthy: body.ranks.filter(
              (r: { state: string }) => r.state === 'healthy',
            ).length,
          });
        });
      })
      .on('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length
    ? sorted[
        Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
      ]
    : NaN;
}

process.on('message', async (request: PhaseRequest) => {
  const { seconds, pollMs } = request;
  const plans =
    request.plans ??
    Array.from({ length: request.viewers ?? 1 }, () => [request.url!]);
  const latencies: number[] = [];
  let errors = 0;
  const endAt = performance.now() + seconds * 1000;
  await Promise.all(
    plans.map(async (urls, v) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      // Viewers spread over one poll interval, as independent browsers would be.
      await new Promise(r => setTimeout(r, (pollMs * v) / plans.length));
      while (performance.now() < endAt) {
        const t0 = performance.now();
        for (const url of urls) {
          const t = performance.now();
          try {
            const res = await get(url, agent, false);
            if (res.status === 200) latencies.push(performance.now() - t);
            else errors++;
          } catch {
            errors++;
          }
        }
        const ms = performance.now() - t0;
        await new Promise(r => setTimeout(r, Math.max(0, pollMs - ms)));
      }
      agent.destroy();
    }),
  );
  const last = await get(plans[0][0], new http.Agent(), true);
  latencies.sort((a, b) => a - b);
  process.send!({
    viewers: plans.length,
    requests: latencies.length,
    errors,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    ranks: last.ranks,
    healthy: last.healthy,
  });
});
