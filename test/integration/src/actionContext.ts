import { tmpdir } from 'node:os';

/**
 * A scaffolder action context with what the wide-EP handlers use: input,
 * a logger collecting lines, outputs, checkpoints that just run, the
 * initiator. Typed loosely: tests also pass invalid input.
 */
export function runAction(
  action: { handler(ctx: any): Promise<void> },
  input: Record<string, unknown>,
  extra: {
    isDryRun?: boolean;
    signal?: AbortSignal;
    workspacePath?: string;
  } = {},
) {
  const lines: string[] = [];
  const log = (level: string) => (message: string) =>
    lines.push(`${level} ${message}`);
  const logger = {
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    debug: () => {},
    child: () => logger,
  };
  const outputs: Record<string, any> = {};
  const ctx: any = {
    input,
    logger,
    user: { ref: 'user:default/alice' },
    workspacePath: tmpdir(),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    checkpoint: async ({ fn }: { fn: () => Promise<any> }) => fn(),
    createTemporaryDirectory: async () => tmpdir(),
    getInitiatorCredentials: async () => ({} as any),
    task: { id: 'integration-task' },
    ...extra,
  };
  return { promise: action.handler(ctx), lines, outputs };
}
