import type http from 'node:http';
import { ServerBehaviour, SimulatedServer } from './SimulatedServer';
import { RankLoad, vllmMetricsText } from './vllmMetricsText';
import { RankTotalsClock } from './rankTotals';

/** Options for {@link startRankSimulator}: one simulated model-server pod. */
export interface RankSimulatorOptions {
  /** Address to bind: a loopback address such as 127.0.0.2 stands in for the pod IP. */
  host: string;
  /**
   * `supervisor`: one API server per rank on `basePort + i` plus the DP
   * supervisor; `hybrid`: one API server on `basePort` for all ranks.
   */
  mode: 'supervisor' | 'hybrid';
  /** L: ranks on this pod. */
  ranks: number;
  /** Global rank of the pod's first rank (node rank × L). Default 0. */
  startRank?: number;
  /** First vLLM port (8000 prefill, 8200 decode). 0 picks free ports (tests). */
  basePort: number;
  /** Supervisor port, supervisor mode only. Default `basePort + 8`; 0 picks a free port. */
  supervisorPort?: number;
  /** Served model id for /v1/models and the `model_name` label. */
  modelName?: string;
  /** Initial load of a rank. */
  load?: (globalRank: number) => RankLoad;
  /** Export the pre-0.11 KV metric name. */
  legacyKvMetric?: boolean;
}

/** Failure controls for one rank. */
export interface RankControl {
  readonly globalRank: number;
  /** Port the rank is served on. */
  readonly port: number;
  /** The rank's API server stops listening (connection refused). In hybrid mode the pod's one server goes. */
  kill(): Promise<void>;
  /** `/health` answers `status` (default 503), as after EngineDeadError. */
  fail(status?: number): void;
  /** Requests are accepted and never answered. */
  hang(): void;
  /** Back to healthy. */
  heal(): Promise<void>;
  setLoad(load: Partial<RankLoad>): void;
  readonly state: ServerBehaviour['kind'];
}

/** A running simulated pod. */
export interface RankSimulator {
  readonly host: string;
  readonly mode: RankSimulatorOptions['mode'];
  /** vLLM API ports (one per rank in supervisor mode, one in hybrid mode). */
  readonly ports: number[];
  readonly supervisorPort?: number;
  /** Controls of a rank by global rank number. */
  rank(globalRank: number): RankControl;
  /** Every rank's control. */
  readonly rankControls: RankControl[];
  /** HTTP requests received by all servers; only those for `path` when given. */
  requests(path?: string): number;
  close(): Promise<void>;
}

const DEFAULT_MODEL = 'deepseek-ai/DeepSeek-R1';
const SUPERVISOR_OFFSET = 8;

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
) {
  res.writeHead(status, {
    'content-type': type,
    server: 'wide-ep-rank-simulator',
  });
  res.end(body);
}

/**
 * Starts a SIMULATED vLLM model-server pod on a loopback address: the
 * endpoints the rank-health prober reads (`/health`, `/v1/models`,
 * `/metrics`, supervisor `/readyz`), with controls to kill, fail, hang and
 * heal single ranks. Dependency-free; for tests and the local demo only.
 */
export async function startRankSimulator(
  options: RankSimulatorOptions,
): Promise<RankSimulator> {
  const startRank = options.startRank ?? 0;
  const modelName = options.modelName ?? DEFAULT_MODEL;
  const loads = new Map<number, RankLoad>();
  const clocks = new Map<number, RankTotalsClock>();
  for (let i = 0; i < options.ranks; i++) {
    const r = startRank + i;
    loads.set(
      r,
      options.load?.(r) ?? { running: 0, waiting: 0, kvCacheUsage: 0 },
    );
    clocks.set(r, new RankTotalsClock());
  }

  const apiHandler =
    (served: number[]) =>
    (
      req: http.IncomingMessage,
      res: http.ServerResponse,
      b: ServerBehaviour,
    ) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/health' || path === '/live') {
        send(res, b.kind === 'failing' ? b.status : 200, '');
      } else if (path === '/v1/models') {
        send(
          res,
          200,
          JSON.stringify({
            object: 'list',
            data: [
              {
                id: modelName,
                object: 'model',
                owned_by: 'vllm',
                root: modelName,
              },
            ],
          }),
          'application/json',
        );
      } else if (path === '/metrics') {
        const engines = new Map(served.map(r => [r, loads.get(r)!]));
        const totals = new Map(
          served.map(r => [r, clocks.get(r)!.advance(loads.get(r)!)]),
        );
        send(
          res,
          200,
          vllmMetricsText({
            modelName,
            engines,
            totals,
            legacyKvMetric: options.legacyKvMetric,
          }),
          'text/plain; version=0.0.4',
        );
      } else if (path === '/version') {
        send(
          res,
          200,
          JSON.stringify({ version: '0.11.0+wide-ep-simulator' }),
          'application/json',
        );
      } else {
        send(
          res,
          404,
          JSON.stringify({ detail: 'Not Found' }),
          'application/json',
        );
      }
    };

  const servers: SimulatedServer[] = [];
  const serverOfRank = new Map<number, SimulatedServer>();
  let supervisor: SimulatedServer | undefined;
  try {
    if (options.mode === 'hybrid') {
      const all = [...loads.keys()];
      const server = await SimulatedServer.start({
        host: options.host,
        port: options.basePort,
        handler: apiHandler(all),
      });
      servers.push(server);
      for (const r of all) serverOfRank.set(r, server);
    } else {
      for (let i = 0; i < options.ranks; i++) {
        const r = startRank + i;
        const server = await SimulatedServer.start({
          host: options.host,
          port: options.basePort === 0 ? 0 : options.basePort + i,
          handler: apiHandler([r]),
        });
        servers.push(server);
        serverOfRank.set(r, server);
      }
      const rankServers = [...servers];
      // The supervisor is ready only while every child rank is healthy (rank-health.md §6.1).
      supervisor = await SimulatedServer.start({
        host: options.host,
        port:
          options.supervisorPort ??
          (options.basePort === 0 ? 0 : options.basePort + SUPERVISOR_OFFSET),
        handler: (req, res) => {
          const path = (req.url ?? '/').split('?')[0];
          if (['/health', '/ready', '/readyz'].includes(path)) {
            send(res, rankServers.every(s => s.state === 'ok') ? 200 : 503, '');
          } else {
            send(res, 404, '');
          }
        },
      });
    }
  } catch (error) {
    await Promise.all([...servers, supervisor].map(s => s?.close()));
    throw error;
  }

  const controls = [...serverOfRank].map(
    ([globalRank, server]): RankControl => ({
      globalRank,
      port: server.boundPort,
      kill: () => server.kill(),
      fail: (status = 503) => server.fail(status),
      hang: () => server.hang(),
      heal: () => server.heal(),
      setLoad: load => {
        // What the old load produced until now is counted at the old rates.
        clocks.get(globalRank)!.advance(loads.get(globalRank)!);
        loads.set(globalRank, { ...loads.get(globalRank)!, ...load });
      },
      get state() {
        return server.state;
      },
    }),
  );

  return {
    host: options.host,
    mode: options.mode,
    ports: servers.map(s => s.boundPort),
    ...(supervisor ? { supervisorPort: supervisor.boundPort } : {}),
    rankControls: controls,
    rank(globalRank: number) {
      const control = controls.find(c => c.globalRank === globalRank);
      if (!control)
        throw new Error(
          `rank ${globalRank} is not simulated on ${options.host}`,
        );
      return control;
    },
    requests: (path?: string) => {
      let n = 0;
      for (const s of [...servers, supervisor]) {
        if (s) n += path === undefined ? s.requests : s.requestsTo(path);
      }
      return n;
    },
    close: async () => {
      await Promise.all([...servers, supervisor].map(s => s?.close()));
    },
  };
}
