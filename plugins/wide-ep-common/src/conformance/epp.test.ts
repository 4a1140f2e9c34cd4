/*
 * The endpoint picker and the routing sidecar of every variant against the
 * interface recorded from llm-d-router's source at the pinned tag
 * (VERSION_SET.epp.source.tag): the config its loader would decode, the
 * plugins and parameters it registers, its flags, the resources its
 * informers watch, and the sidecar's flags.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { GROVE_GB200_SEED, LWS_H200_SEED } from '../seeds';
import { parseSpec, WideEpSpec, WideEpSpecInput } from '../spec';
import { allVariants, monitoringVariants } from '../variants';
import { VERSION_SET } from '../versionSet';
import { renderDeployment } from '../render';
import { podTemplates } from '../__testUtils__/podTemplates';
import {
  RouterInterface,
  eppConfigProblems,
  flagProblems,
  rbacProblems,
} from './eppInterface';

function recordOf(tag: string): RouterInterface {
  return JSON.parse(
    fs.readFileSync(
      path.resolve(
        // eslint-disable-next-line no-restricted-syntax
        __dirname,
        `../../interfaces/llm-d-router/llm-d-router-${tag}.json`,
      ),
      'utf8',
    ),
  );
}
const pinned = recordOf(VERSION_SET.epp.source.tag);
const sidecarRecord = recordOf(VERSION_SET.sidecar.source.tag);

const label = (s: WideEpSpec) =>
  `${s.orchestrator}/${s.hardware}/${s.clusterProvider}/${s.gateway}/${
    s.rankPorts ? 'ports' : 'hybrid'
  }${s.monitoring === 'none' ? '' : `/${s.monitoring}`}`;

function rendered(input: WideEpSpecInput) {
  const parsed = parseSpec(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return {
    name: label(parsed.spec),
    objects: renderDeployment(parsed.spec).objects as any[],
  };
}
// With monitoring the EPP gets --metrics-endpoint-auth=false: checked too.
const variants = [
  ...allVariants(),
  ...monitoringVariants(),
  GROVE_GB200_SEED,
  LWS_H200_SEED,
].map(rendered);
const eppConfig = (objects: any[]) => {
  const cm = objects.find(
    o => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-epp-config'),
  );
  return parse(Object.values(cm.data)[0] as string);
};

describe(`endpoint picker ${VERSION_SET.epp.image}`, () => {
  it('pins the EPP and the sidecar to tags that were recorded', () => {
    expect(VERSION_SET.epp.image.endsWith(`:${pinned.provenance.tag}`)).toBe(
      true,
    );
    expect(
      VERSION_SET.sidecar.image.endsWith(`:${sidecarRecord.provenance.tag}`),
    ).toBe(true);
  });

  it('every variant: the config loads, the flags exist, the Role covers every watch', () => {
    const problems: string[] = [];
    for (const { name, objects } of variants) {
      for (const p of eppConfigProblems(pinned, eppConfig(objects)))
        problems.push(`${name} ConfigMap epp-config: ${p}`);
      const epp = objects.find(o => o.kind === 'Deployment');
      const container = epp.spec.template.spec.containers[0];
      problems.push(
        ...flagProblems(
          pinned.eppFlags,
          container.args,
          `${name} Deployment/${epp.metadata.name} container ${container.name}`,
        ),
      );
      const role = objects.find(o => o.kind === 'Role');
      problems.push(...rbacProblems(pinned, role).map(p => `${name} ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it('every variant: the decode sidecar uses only flags its tag declares, none deprecated', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { name, objects } of variants) {
      for (const t of podTemplates(objects)) {
        for (const c of t.podSpec.initContainers ?? []) {
          if (c.name !== 'routing-proxy') continue;
          checked++;
          problems.push(
            ...flagProblems(
              sidecarRecord.sidecarFlags,
              c.args,
              `${name} ${t.owner} ${t.name} initContainer routing-proxy`,
            ),
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
    expect(
      sidecarRecord.sidecarFlags[VERSION_SET.sidecar.connectorFlag],
    ).toEqual(expect.objectContaining({ takesValue: true }));
    expect(sidecarRecord.sidecarFlags['--connector']?.deprecated).toBe(true);
  });
});

describe('the checks can fail', () => {
  const config = eppConfig(variants[0].objects);

  it('re-pinning the EPP to v0.7.0 (llm-d-inference-scheduler, GAIE v1.4.0 loader) cannot read the config (review B1)', () => {
    const old = recordOf('v0.7.0');
    expect(old.provenance.module).toBe(
      'github.com/llm-d/llm-d-inference-scheduler',
    );
    expect(eppConfigProblems(old, config)).toContainEqual(
      `apiVersion ${VERSION_SET.epp.configApiVersion}: EPP v0.7.0 reads only inference.networking.x-k8s.io/v1alpha1`,
    );
  });

  it('names an unknown plugin type, parameter, top-level field and dangling pluginRef', () => {
    const bad = {
      ...config,
      extra: true,
      plugins: [
        ...config.plugins,
        { type: 'no-such-plugin' },
        { type: 'disagg-profile-handler', name: 'h2', parameters: { nope: 1 } },
      ],
      schedulingProfiles: [
        ...config.schedulingProfiles,
        { name: 'x', plugins: [{ pluginRef: 'missing' }] },
      ],
    };
    expect(eppConfigProblems(pinned, bad)).toEqual([
      'field extra: unknown to EPP v0.9.0 (strict decoding)',
      'plugins[no-such-plugin]: type no-such-plugin is not registered in EPP v0.9.0',
      'plugins[h2].parameters.nope: not a field of disagg-profile-handler in EPP v0.9.0',
      'schedulingProfiles[x]: pluginRef missing is not declared in plugins',
    ]);
  });

  it('names a Role without the InferenceModelRewrite watch (review B2)', () => {
    const role = variants[0].objects.find(o => o.kind === 'Role');
    const without = {
      ...role,
      rules: role.rules.map((r: any) => ({
        ...r,
        resources: r.resources.filter(
          (x: string) => x !== 'inferencemodelrewrites',
        ),
      })),
    };
    expect(rbacProblems(pinned, without)).toEqual([
      expect.stringContaining(
        'no get/list/watch on inferencemodelrewrites in "inference.networking.x-k8s.io"',
      ),
      expect.stringContaining(
        'no get/list/watch on inferencemodelrewrites in "llm-d.ai"',
      ),
    ]);
  });

  it('names unknown, value-less and deprecated flags', () => {
    expect(
      flagProblems(
        sidecarRecord.sidecarFlags,
        ['--no-such-flag', '--connector=nixlv2', '--vllm-port'],
        'sidecar',
      ),
    ).toEqual([
      'sidecar: unknown flag --no-such-flag',
      'sidecar: --connector is deprecated',
      'sidecar: --vllm-port needs a value',
    ]);
  });
});
