import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_MARKER_FILE, foreignNodes, problemWithServer } from './demoGuard';

describe('demo cluster guard', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wide-ep-demo-guard-'));
    fs.writeFileSync(
      path.join(dir, 'ports'),
      'running_apiserver_port=17443\nrunning_etcd_port=13379\n',
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts only the loopback API server of a marked demo state folder', () => {
    expect(problemWithServer('https://127.0.0.1:17443', dir)).toMatch(
      `has no ${DEMO_MARKER_FILE} marker`,
    );
    fs.writeFileSync(path.join(dir, DEMO_MARKER_FILE), 'demo\n');
    expect(problemWithServer('https://127.0.0.1:17443', dir)).toBeUndefined();
    expect(problemWithServer('https://127.0.0.1:16443', dir)).toMatch(
      'is not the cluster of',
    );
    expect(problemWithServer('https://10.0.0.1:17443', dir)).toMatch(
      'not on loopback',
    );
    expect(
      problemWithServer('https://127.0.0.1:17443', path.join(dir, 'nope')),
    ).toMatch('ports is missing');
  });

  it('names nodes a real kubelet registered', () => {
    expect(
      foreignNodes([
        {
          metadata: {
            name: 'simulated-gpu-node-0',
            labels: { 'wide-ep.backstage.io/simulated': 'true' },
          },
        },
        { metadata: { name: 'gpu-a100-7', labels: {} } },
      ]),
    ).toEqual(['gpu-a100-7']);
  });
});
