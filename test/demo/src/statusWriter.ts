/**
 * Writes the status of custom resources through their status subresource,
 * as a controller does: only when it changed since the last write, keeping
 * `lastTransitionTime` of conditions whose status did not change.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { loadClientNode } from '@internal/plugin-wide-ep-node';
import type { Gvr } from './groveObjects';

type AnyObject = Record<string, any>;

const codeOf = (error: unknown) => (error as { code?: number })?.code;

/** Keeps `lastTransitionTime` of conditions whose status did not change; sets it to now on the others. */
export function withTimes(
  previous: AnyObject | undefined,
  next: AnyObject,
  now = new Date().toISOString(),
): AnyObject {
  const keep = (
    prevList: AnyObject[] | undefined,
    list: AnyObject[] | undefined,
  ) =>
    list?.map(c => {
      const before = prevList?.find(b => b.type === c.type);
      return {
        ...c,
        lastTransitionTime:
          before && before.status === c.status && before.lastTransitionTime
            ? before.lastTransitionTime
            : now,
      };
    });
  const out: AnyObject = { ...next };
  if (next.conditions)
    out.conditions = keep(previous?.conditions, next.conditions);
  if (next.listeners) {
    out.listeners = next.listeners.map((l: AnyObject) => ({
      ...l,
      conditions: keep(
        previous?.listeners?.find((b: AnyObject) => b.name === l.name)
          ?.conditions,
        l.conditions,
      ),
    }));
  }
  return out;
}

/** Status writes with a memory of what was last written. */
export class StatusWriter {
  private readonly last = new Map<string, string>();

  constructor(private readonly kubeConfig: KubeConfig) {}

  /** Writes `status` to a namespaced (or, without namespace, cluster) custom resource unless it is what was written last. */
  async write(
    gvr: Gvr,
    name: string,
    namespace: string | undefined,
    status: AnyObject,
  ): Promise<void> {
    const key = `${gvr.plural}/${namespace ?? ''}/${name}`;
    const json = JSON.stringify(status);
    if (this.last.get(key) === json) return;
    const { CustomObjectsApi } = await loadClientNode();
    const custom = this.kubeConfig.makeApiClient(CustomObjectsApi);
    try {
      if (namespace) {
        const current = (await custom.getNamespacedCustomObject({
          ...gvr,
          namespace,
          name,
        })) as AnyObject;
        await custom.replaceNamespacedCustomObjectStatus({
          ...gvr,
          namespace,
          name,
          body: { ...current, status: withTimes(current.status, status) },
        });
      } else {
        const current = (await custom.getClusterCustomObject({
          ...gvr,
          name,
        })) as AnyObject;
        await custom.replaceClusterCustomObjectStatus({
          ...gvr,
          name,
          body: { ...current, status: withTimes(current.status, status) },
        });
      }
      this.last.set(key, json);
    } catch (error) {
      if (codeOf(error) === 404 || codeOf(error) === 409) return; // gone or raced; next tick
      throw error;
    }
  }
}
