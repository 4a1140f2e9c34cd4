import { parse } from 'yaml';
import { toYaml } from './yaml';

describe('toYaml', () => {
  it('quotes strings that YAML 1.1 readers would turn into booleans or numbers', () => {
    const value = {
      y: 'y',
      n: 'n',
      on: 'on',
      off: 'OFF',
      yes: 'yes',
      octal: '0755',
      float: '1e3',
      gpus: '8',
      empty: '',
    };
    const text = toYaml(value);
    expect(text).toContain("'y': 'y'");
    expect(text).toContain("octal: '0755'");
    expect(parse(text, { version: '1.1' })).toEqual(value);
    expect(parse(text, { version: '1.2' })).toEqual(value);
  });

  it('keeps hostile strings as data: no extra keys, documents or anchors', () => {
    const hostile = {
      a: 'x\nkind: Secret',
      b: '--- \napiVersion: v1',
      c: 'it\'s "quoted" ${{ parameters.x }} ${HF_TOKEN}',
      d: '&anchor *alias',
      e: '# not a comment',
    };
    const text = toYaml(hostile);
    expect(parse(text, { version: '1.1' })).toEqual(hostile);
    expect(
      text
        .split('\n')
        .filter(l => /^\S/.test(l))
        .map(l => l.split(':')[0]),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('writes multi-line scripts as literal blocks', () => {
    expect(toYaml({ args: ['set -e\nexec vllm serve m\n'] })).toBe(
      'args:\n  - |\n    set -e\n    exec vllm serve m\n',
    );
  });
});
