import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
import { DemoOperator } from './DemoOperator';
import { startControlServer } from './controlServer';

const USAGE = `Usage: wide-ep-demo-operator --state-dir <demo cluster state folder> [options]

Emulates what the local demo cluster cannot run (the Grove operator, the
NVIDIA ComputeDomain controller, gateway controllers) and runs SIMULATED vLLM
ranks on the pods' loopback IPs (see test/demo/README.md). The cluster itself
(test/cluster/control-plane) runs the real scheduler, controller-manager and
LeaderWorkerSet controller, and kwok for the SIMULATED GPU nodes.

  --state-dir DIR        state folder of the demo cluster (test/cluster/control-plane/up
                         with WIDE_EP_CP_STATE_DIR); its kubeconfig is used
  --namespaces a,b       namespaces to create and watch (default llm-d-wide-ep)
  --control-port N       loopback control endpoint (default 17480; 0 = any free port)
`;

/** CLI entry point of `bin/wide-ep-demo-operator`. Resolves when the operator stops. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string' },
      namespaces: { type: 'string', default: 'llm-d-wide-ep' },
      'control-port': { type: 'string', default: '17480' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values['state-dir']) {
    process.stdout.write(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const stateDir = path.resolve(values['state-dir']);
  const namespaces = values.namespaces
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const { KubeConfig } = await loadClientNode();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path.join(stateDir, 'kubeconfig'));
  kubeConfig.setCurrentContext('admin');

  const operator = await DemoOperator.start({
    kubeConfig,
    stateDir,
    namespaces,
  });
  const control = await startControlServer(operator, {
    port: Number(values['control-port']),
  });
  process.stdout.write(
    `[demo-operator] SIMULATED Grove operator, ComputeDomain and gateway controllers and vLLM ranks running on ${
      kubeConfig.getCurrentCluster()?.server
    } (namespaces ${namespaces.join(', ')}); control endpoint ${control.url}\n`,
  );

  await new Promise<void>(resolve => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('[demo-operator] stopping\n');
  await control.close();
  await operator.stop();
}
