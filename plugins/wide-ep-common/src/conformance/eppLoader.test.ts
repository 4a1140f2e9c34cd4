/*
 * The real config loader of the endpoint picker the version set pinned
 * before (llm-d-inference-scheduler v0.7.0 links GAIE v1.4.0; its go.mod is
 * in interfaces/llm-d-router/llm-d-router-v0.7.0.json's provenance), built
 * from the Go module proxy by test/conformance/epp-loader/build, run on the
 * config we render. It cannot read llm-d.ai/v1alpha1 (serving review B1):
 * the EPP would exit at start-up. llm-d-router v0.9.0, which the version set
 * pins now, is not served by the module proxy; its interface is checked
 * from a record instead (epp.test.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { LWS_H200_SEED } from '../seeds';
import { parseSpec } from '../spec';
import { renderDeployment } from '../render';
import { VERSION_SET } from '../versionSet';

// eslint-disable-next-line no-restricted-syntax
const dir = path.resolve(__dirname, '../../../../test/conformance/epp-loader');
const binary = path.join(dir, '.bin/epp-loader');

jest.setTimeout(20 * 60_000);

beforeAll(() => {
  // npm test builds it first; a lone Jest run builds it here (minutes cold).
  const build = spawnSync(path.join(dir, 'build'), {
    encoding: 'utf8',
    timeout: 19 * 60_000,
  });
  if (build.status !== 0 || !fs.existsSync(binary))
    throw new Error(
      `could not build GAIE v1.4.0's config loader (needs Go and the Go module proxy): ${build.stderr}`,
    );
});

function load(config: unknown) {
  const run = spawnSync(binary, { input: stringify(config), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const parsed = parseSpec(LWS_H200_SEED);
if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
const cm: any = renderDeployment(parsed.spec).objects.find(
  o => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-epp-config'),
);
const config = parse(Object.values(cm.data)[0] as string);

describe('GAIE v1.4.0 config loader (what the v0.7.0 EPP runs)', () => {
  it(`rejects our ${VERSION_SET.epp.configApiVersion} config: the old EPP would exit at start-up`, () => {
    expect(config.apiVersion).toBe('llm-d.ai/v1alpha1');
    expect(load(config)).toEqual({
      ok: false,
      plugins: 0,
      error: expect.stringContaining(
        'no kind "EndpointPickerConfig" is registered for version "llm-d.ai/v1alpha1"',
      ),
    });
  });

  it('decodes the same config under the x-k8s apiVersion, so only the apiVersion stood in the way of decoding', () => {
    expect(
      load({ ...config, apiVersion: 'inference.networking.x-k8s.io/v1alpha1' }),
    ).toEqual({
      ok: true,
      apiVersion: 'inference.networking.x-k8s.io/v1alpha1',
      plugins: config.plugins.length,
    });
  });

  it('is strict: an unknown field fails decoding', () => {
    const result = load({
      ...config,
      apiVersion: 'inference.networking.x-k8s.io/v1alpha1',
      notAField: true,
    });
    expect(result.ok).toBe(false);
    expect(result.error).toContain('notAField');
  });
});
