import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '@internal/plugin-wide-ep-node';

/**
 * What a platform team installs before a deployment: the namespace and the
 * HF token Secret the rendered pods reference (a FAKE value), applied
 * server-side so a re-used cluster keeps working.
 */
export async function installPrerequisites(
  client: KubeClient,
  namespace: string,
): Promise<void> {
  for (const object of [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'llm-d-hf-token', namespace },
      stringData: { HF_TOKEN: 'FAKE-integration-test-token' },
    },
  ]) {
    await client.apply(object as KubernetesObject, {
      dryRun: false,
      force: true,
    });
  }
}
