import yaml from 'yaml';

/**
 * The input of an example's first step, with whole-value
 * `${{ parameters.x }}` expressions replaced by `parameters.x`, as the
 * scaffolder does for a single expression (types preserved).
 */
export function exampleInput(
  example: string,
  parameters: Record<string, unknown> = {},
): { action: string; if?: string; input: Record<string, unknown> } {
  const step = yaml.parse(example).steps[0];
  const input = Object.fromEntries(
    Object.entries(step.input as Record<string, unknown>).map(
      ([key, value]) => {
        const match =
          typeof value === 'string'
            ? /^\$\{\{ parameters\.(\w+) \}\}$/.exec(value)
            : null;
        return [key, match ? parameters[match[1]] : value];
      },
    ),
  );
  return { action: step.action, if: step.if, input };
}
