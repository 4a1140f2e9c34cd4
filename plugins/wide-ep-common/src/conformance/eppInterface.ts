/**
 * Checks the rendered endpoint picker (config, flags, Role) and the decode
 * routing sidecar's flags against the interface recorded from llm-d-router's
 * source at a tag (interfaces/llm-d-router/llm-d-router-<tag>.json, made by
 * scripts/record-llm-d-router-interface.sh). Test-side code: not exported
 * from the package index.
 */

/** One command-line flag as the component declares it. */
export interface RecordedFlag {
  takesValue: boolean;
  deprecated?: boolean;
}

/** The record of one llm-d-router (or llm-d-inference-scheduler) tag. */
export interface RouterInterface {
  provenance: { tag: string; module: string };
  config: { apiVersions: string[]; fields: string[] };
  plugins: Record<string, { parameterNames: string[] }>;
  eppFlags: Record<string, RecordedFlag>;
  sidecarFlags: Record<string, RecordedFlag>;
  rbac: Array<{
    apiGroup: string;
    resource: string;
    verbs: string[];
    chart: string;
  }>;
}

/** Problems of an EndpointPickerConfig the EPP at this tag would load. */
export function eppConfigProblems(
  record: RouterInterface,
  config: any,
): string[] {
  const at = `EPP ${record.provenance.tag}`;
  const problems: string[] = [];
  if (!record.config.apiVersions.includes(config.apiVersion))
    problems.push(
      `apiVersion ${
        config.apiVersion
      }: ${at} reads only ${record.config.apiVersions.join(', ')}`,
    );
  if (config.kind !== 'EndpointPickerConfig')
    problems.push(`kind ${config.kind}: not EndpointPickerConfig`);
  for (const key of Object.keys(config))
    if (!record.config.fields.includes(key))
      problems.push(`field ${key}: unknown to ${at} (strict decoding)`);
  const declared = new Set<string>();
  for (const plugin of config.plugins ?? []) {
    const name = plugin.name ?? plugin.type;
    declared.add(name);
    const known = record.plugins[plugin.type];
    if (!known) {
      problems.push(
        `plugins[${name}]: type ${plugin.type} is not registered in ${at}`,
      );
      continue;
    }
    for (const param of Object.keys(plugin.parameters ?? {}))
      if (!known.parameterNames.includes(param))
        problems.push(
          `plugins[${name}].parameters.${param}: not a field of ${plugin.type} in ${at}`,
        );
  }
  const profiles = new Set<string>();
  for (const profile of config.schedulingProfiles ?? []) {
    if (profiles.has(profile.name))
      problems.push(`schedulingProfiles[${profile.name}]: defined twice`);
    profiles.add(profile.name);
    for (const ref of profile.plugins ?? [])
      if (!declared.has(ref.pluginRef))
        problems.push(
          `schedulingProfiles[${profile.name}]: pluginRef ${ref.pluginRef} is not declared in plugins`,
        );
  }
  return problems;
}

/** Problems of a container's args against the recorded flags. */
export function flagProblems(
  flags: Record<string, RecordedFlag>,
  args: string[],
  what: string,
): string[] {
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (!token.startsWith('-')) {
      problems.push(`${what}: unexpected argument "${token}"`);
      continue;
    }
    const eq = token.indexOf('=');
    const name = `--${(eq < 0 ? token : token.slice(0, eq)).replace(
      /^-+/,
      '',
    )}`;
    const flag = flags[name];
    if (!flag) {
      problems.push(`${what}: unknown flag ${name}`);
      continue;
    }
    if (flag.deprecated) problems.push(`${what}: ${name} is deprecated`);
    if (flag.takesValue && eq < 0) {
      if (i + 1 >= args.length || args[i + 1].startsWith('-'))
        problems.push(`${what}: ${name} needs a value`);
      else i++;
    }
  }
  return problems;
}

/**
 * Resources the EPP lists and watches (what the upstream charts grant it,
 * less leader election, which the renderer does not enable) that a Role's
 * rules do not grant with get, list and watch.
 */
export function rbacProblems(record: RouterInterface, role: any): string[] {
  const needed = record.rbac.filter(
    r => !r.chart.includes('leader-election') && r.verbs.includes('watch'),
  );
  const grants = (group: string, resource: string) =>
    (role.rules ?? []).some(
      (rule: any) =>
        rule.apiGroups.includes(group) &&
        rule.resources.includes(resource) &&
        ['get', 'list', 'watch'].every(v => rule.verbs.includes(v)),
    );
  const problems = new Map<string, string>();
  for (const r of needed) {
    const key = `${r.apiGroup}/${r.resource}`;
    if (!problems.has(key) && !grants(r.apiGroup, r.resource))
      problems.set(
        key,
        `Role ${role.metadata?.name}: no get/list/watch on ${r.resource} in "${r.apiGroup}", which the EPP ${record.provenance.tag} watches (${r.chart})`,
      );
  }
  return [...problems.values()];
}
