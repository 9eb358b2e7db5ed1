import { builtinResourceTypes, resourceTypesFromCrd } from './builtin-resources';
import { groupVersion, type KubeObject, type ResourceType } from './resource-type';

/** The kinds the sandbox serves: the built-ins plus whatever Established CRDs declare. */
export class ResourceRegistry {
  private readonly builtins = builtinResourceTypes();
  private crdTypes = new Map<string, ResourceType[]>();

  all(): ResourceType[] {
    return [...this.builtins, ...[...this.crdTypes.values()].flat()];
  }

  /** Group versions in discovery order: core first, then groups in registration order. */
  groupVersions(): Array<{ group: string; version: string }> {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of this.all()) seen.set(groupVersion(t), { group: t.group, version: t.version });
    return [...seen.values()];
  }

  byGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((t) => groupVersion(t) === apiVersion && t.kind === kind);
  }

  /** Kinds of a group regardless of version: used to delete all CRs when a CRD goes away. */
  byGroupKind(group: string, kind: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.kind === kind);
  }

  setCrd(crdName: string, crd: KubeObject | undefined): void {
    if (crd) this.crdTypes.set(crdName, resourceTypesFromCrd(crd));
    else this.crdTypes.delete(crdName);
  }

  crdResourceTypes(crdName: string): ResourceType[] {
    return this.crdTypes.get(crdName) ?? [];
  }
}
