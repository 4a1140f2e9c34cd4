/*
 * Child process of ranks.bench.ts: runs the SIMULATED vLLM ranks, so their
 * request handling does not share an event loop with the backend under test
 * (on a real cluster the ranks run on other machines).
 *
 * Messages in: { start: RankSimulatorOptions[] }, { count: true, path? },
 * { close: true }.
 * Messages out: { started: number }, { requests: number }, { error: string }.
 */
import {
  RankSimulator,
  RankSimulatorOptions,
  startRankSimulator,
} from '@internal/wide-ep-rank-simulator';

const simulators: RankSimulator[] = [];

process.on(
  'message',
  async (message: {
    start?: RankSimulatorOptions[];
    count?: boolean;
    /** Count only the requests for this path, e.g. /health. */
    path?: string;
    close?: boolean;
  }) => {
    try {
      if (message.start) {
        for (const options of message.start) {
          simulators.push(
            await startRankSimulator({
              ...options,
              load: r => ({
                running: r % 7,
                waiting: r % 3,
                kvCacheUsage: (r % 10) / 10,
                promptTokensPerSecond: 500 + (r % 5) * 100,
                generationTokensPerSecond: 40 + (r % 7) * 5,
                ttftSeconds: 0.2 + (r % 4) * 0.1,
                itlSeconds: 0.03,
              }),
            }),
          );
        }
        process.send!({
          started: simulators.reduce(
            (n, s) => n + s.ports.length + (s.supervisorPort ? 1 : 0),
            0,
          ),
        });
      }
      if (message.count)
        process.send!({
          requests: simulators.reduce(
            (n, s) => n + s.requests(message.path),
            0,
          ),
        });
      if (message.close) {
        await Promise.all(simulators.map(s => s.close()));
        process.exit(0);
      }
    } catch (error) {
      process.send!({ error: String((error as Error)?.stack ?? error) });
    }
  },
);

// The benchmark died: do not outlive it.
process.on('disconnect', () => process.exit(0));
