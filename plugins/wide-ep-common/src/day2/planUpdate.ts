import { RenderResult, renderDeployment } from '../render';
import type { WideEpSpec } from '../spec';
import type { KubernetesObject } from '../types';

/** How one file or object differs between two renders. @public */
export type RenderChange = 'added' | 'modified' | 'removed' | 'unchanged';

/** @public */
export interface FileChange {
  path: string;
  change: RenderChange;
}

/** @public */
export interface ObjectChange {
  apiVersion: string;
  kind: string;
  name: string;
  change: RenderChange;
}

/** What an update changes, file by file and object by object. @public */
export interface UpdatePlan {
  before: RenderResult;
  after: RenderResult;
  /** Every file of either render, sorted by path. */
  files: FileChange[];
  /** Every object of either render, in the new render's apply order, removed ones last. */
  objects: ObjectChange[];
  /** True when no file changes: the update would be a no-op. */
  unchanged: boolean;
}

/**
 * Compares the render of the current spec with the render of the updated
 * one. The pull-request rollout commits exactly the `added` and `modified`
 * files and deletes the `removed` ones; the apply rollout applies the new
 * objects and deletes the `removed` ones.
 * @public
 */
export function planUpdate(current: WideEpSpec, next: WideEpSpec): UpdatePlan {
  const before = renderDeployment(current);
  const after = renderDeployment(next);

  const oldFiles = new Map(before.files.map(f => [f.path, f.content]));
  const newFiles = new Map(after.files.map(f => [f.path, f.content]));
  const paths = [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort();
  const files = paths.map(path => ({
    path,
    change: changeOf(oldFiles.get(path), newFiles.get(path)),
  }));

  const oldObjects = new Map(before.objects.map(o => [keyOf(o), o]));
  const newKeys = new Set(after.objects.map(keyOf));
  const objects: ObjectChange[] = [
    ...after.objects.map(o => ({
      ...idOf(o),
      change: changeOf(json(oldObjects.get(keyOf(o))), json(o)),
    })),
    ...before.objects
      .filter(o => !newKeys.has(keyOf(o)))
      .map(o => ({ ...idOf(o), change: 'removed' as const })),
  ];
  return {
    before,
    after,
    files,
    objects,
    unchanged: files.every(f => f.change === 'unchanged'),
  };
}

function changeOf(
  before: string | undefined,
  after: string | undefined,
): RenderChange {
  if (before === undefined) return 'added';
  if (after === undefined) return 'removed';
  return before === after ? 'unchanged' : 'modified';
}

function json(o: KubernetesObject | undefined): string | undefined {
  return o === undefined ? undefined : JSON.stringify(o);
}

function keyOf(o: KubernetesObject): string {
  return `${o.apiVersion}|${o.kind}|${o.metadata.name}`;
}

function idOf(o: KubernetesObject) {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
}
