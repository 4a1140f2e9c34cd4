import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/** Log lines by level, from a context made by {@link actionContext}. */
export interface CapturedLogs {
  info: string[];
  warn: string[];
  error: string[];
  all: string[];
}

/**
 * A mock action context whose logger records each line, and whose outputs
 * can be read back as one object.
 */
export function actionContext(
  input: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
) {
  const logs: CapturedLogs = { info: [], warn: [], error: [], all: [] };
  const log = (level: 'info' | 'warn' | 'error') => (message: string) => {
    logs[level].push(message);
    logs.all.push(`${level.toUpperCase()} ${message}`);
  };
  const logger = {
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    debug: () => {},
    child: () => logger,
  };
  // createMockActionContext keeps only some options; isDryRun, checkpoint
  // and signal are spread over its result, as the dry-run docs do.
  // Typed loosely on purpose: tests also pass invalid input to the handlers.
  const ctx: any = {
    ...createMockActionContext({
      input: input as any,
      workspacePath: createMockDirectory().path,
      logger: logger as any,
      user: { ref: 'user:default/alice' },
    }),
    ...overrides,
  };
  const outputs = () =>
    Object.fromEntries((ctx.output as jest.Mock).mock.calls) as Record<
      string,
      any
    >;
  return { ctx, logs, outputs };
}
