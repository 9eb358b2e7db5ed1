import type { AnyJson } from '../api/json';
import type { ResourceType, KubeObject } from '../api/resource-type';
import type { ObjectRegistry } from './object-registry';

/**
 * The control-plane loops every cluster runs regardless of workloads: the garbage collector
 * (ownerReferences; Foreground/Background/Orphan, see
 * https://kubernetes.io/docs/concepts/architecture/garbage-collection/) and the namespace
 * controller (empties a Terminating namespace, then removes it). One sweep does one round;
 * the caller re-runs it after every store change until nothing changes.
 */
export class GarbageCollector {
  constructor(private readonly registry: ObjectRegistry) {}

  sweep(): void {
    const all = this.snapshot();
    const uids = new Set(all.map((e) => String(e.object.metadata?.['uid'])));
    const dependentsOf = (uid: string) =>
      all.filter((e) => (e.object.metadata?.['ownerReferences'] ?? []).some((r: AnyJson) => r.uid === uid));

    for (const { type, object } of all) {
      const meta = object.metadata ?? {};
      const uid = String(meta['uid']);
      const finalizers: string[] = meta['finalizers'] ?? [];
      if (meta['deletionTimestamp']) {
        if (type.group === '' && type.kind === 'Namespace') {
          this.finalizeNamespace(type, object, all);
          continue;
        }
        if (finalizers.includes('orphan')) {
          for (const dep of dependentsOf(uid)) this.dropOwner(dep.type, dep.object, uid);
          this.registry.removeFinalizer(type, object, 'orphan');
        } else if (finalizers.includes('foregroundDeletion')) {
          const deps = dependentsOf(uid);
          if (deps.length === 0) this.registry.removeFinalizer(type, object, 'foregroundDeletion');
          for (const dep of deps) {
            if (!dep.object.metadata?.['deletionTimestamp'])
              this.tryDelete(dep.type, dep.object, 'Foreground');
          }
        }
        continue;
      }
      const owners: AnyJson[] = meta['ownerReferences'] ?? [];
      if (owners.length > 0 && owners.every((r) => !uids.has(String(r.uid))))
        this.tryDelete(type, object, 'Background');
    }
  }

  private finalizeNamespace(
    type: ResourceType,
    namespace: KubeObject,
    all: Array<{ type: ResourceType; object: KubeObject }>,
  ): void {
    const name = namespace.metadata?.['name'];
    const content = all.filter((e) => e.type.namespaced && e.object.metadata?.['namespace'] === name);
    for (const e of content)
      if (!e.object.metadata?.['deletionTimestamp']) this.tryDelete(e.type, e.object, 'Background');
    if (content.length > 0) return;
    const live = this.registry.find(type, '', name);
    if (!live) return;
    if ((live['spec']?.finalizers ?? []).length > 0) {
      this.registry.update(
        type,
        '',
        name,
        { ...live, spec: { ...live['spec'], finalizers: [] } },
        { subresource: 'finalize', fieldManager: 'kube-controller-manager' },
      );
    }
    if ((live.metadata?.['finalizers'] ?? []).length === 0) {
      this.registry.store.remove(type, '', name);
    }
  }

  private dropOwner(type: ResourceType, obj: KubeObject, ownerUid: string): void {
    const live = this.registry.find(type, obj.metadata?.['namespace'] ?? '', obj.metadata?.['name']);
    if (!live) return;
    const refs = (live.metadata?.['ownerReferences'] ?? []).filter((r: AnyJson) => r.uid !== ownerUid);
    const next = { ...live, metadata: { ...live.metadata, ownerReferences: refs } };
    if (refs.length === 0) delete next.metadata.ownerReferences;
    this.registry.update(type, live.metadata?.['namespace'] ?? '', live.metadata?.['name'], next, {
      fieldManager: 'kube-controller-manager',
    });
  }

  private tryDelete(type: ResourceType, obj: KubeObject, policy: 'Foreground' | 'Background'): void {
    try {
      this.registry.delete(type, obj.metadata?.['namespace'] ?? '', obj.metadata?.['name'], {
        propagationPolicy: policy,
      });
    } catch {
      // Already gone: another loop got there first.
    }
  }

  private snapshot(): Array<{ type: ResourceType; object: KubeObject }> {
    const byResource = new Map(this.registry.types.all().map((t) => [`${t.group}/${t.plural}`, t]));
    const out: Array<{ type: ResourceType; object: KubeObject }> = [];
    for (const e of this.registry.store.entries()) {
      const type = byResource.get(e.resource);
      if (type) out.push({ type, object: e.object });
    }
    return out;
  }
}
