/**
 * What a platform team would have installed on the demo cluster before a
 * deployment: the namespaces, a Hugging Face token Secret (an obviously
 * FAKE value) and the GatewayClasses of the SIMULATED gateway controllers.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
import { DEMO_GATEWAY_CLASSES, gatewayClassStatus } from './gatewayStatus';
import { SIMULATED_LABEL } from './simulated';
import { StatusWriter } from './statusWriter';

/** The HF token Secret the generated pods reference, with an obviously FAKE value. */
export const DEMO_HF_SECRET = {
  name: 'llm-d-hf-token',
  key: 'HF_TOKEN',
  value: 'FAKE-wide-ep-demo-token-not-a-hugging-face-token',
};

export const GATEWAY_CLASS = {
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  plural: 'gatewayclasses',
};

const NOTE = 'wide-ep.backstage.io/note';

const codeOf = (error: unknown) => (error as { code?: number })?.code;

async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (codeOf(error) !== 409) throw error;
  }
}

/** Creates the fixtures that are missing; returns a one-line summary. */
export async function createFixtures(
  kubeConfig: KubeConfig,
  namespaces: string[],
  statuses: StatusWriter,
): Promise<string> {
  const { CoreV1Api, CustomObjectsApi } = await loadClientNode();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const note = {
    [NOTE]: 'created by the wide-EP demo operator (SIMULATED cluster)',
  };
  for (const namespace of namespaces) {
    await createIfMissing(() =>
      core.createNamespace({
        body: {
          metadata: {
            name: namespace,
            labels: { [SIMULATED_LABEL]: 'true' },
            annotations: note,
          },
        },
      }),
    );
    await createIfMissing(() =>
      core.createNamespacedSecret({
        namespace,
        body: {
          metadata: {
            name: DEMO_HF_SECRET.name,
            labels: { [SIMULATED_LABEL]: 'true' },
            annotations: {
              [NOTE]:
                'FAKE Hugging Face token for the SIMULATED demo; nothing downloads a model here',
            },
          },
          type: 'Opaque',
          stringData: { [DEMO_HF_SECRET.key]: DEMO_HF_SECRET.value },
        },
      }),
    );
  }
  for (const [name, controllerName] of Object.entries(DEMO_GATEWAY_CLASSES)) {
    const body = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: {
        name,
        labels: { [SIMULATED_LABEL]: 'true' },
        annotations: note,
      },
      spec: {
        controllerName,
        description: `SIMULATED ${name} for the wide-EP local demo (no data plane)`,
      },
    };
    await createIfMissing(() =>
      custom.createClusterCustomObject({ ...GATEWAY_CLASS, body }),
    );
    await statuses.write(
      GATEWAY_CLASS,
      name,
      undefined,
      gatewayClassStatus(body),
    );
  }
  return `namespaces ${namespaces.join(', ')} with the FAKE Secret ${
    DEMO_HF_SECRET.name
  }; GatewayClasses ${Object.keys(DEMO_GATEWAY_CLASSES).join(', ')}`;
}
