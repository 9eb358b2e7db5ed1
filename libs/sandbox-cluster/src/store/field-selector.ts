import type { KubeObject, ResourceType } from '../api/resource-type';
import { statusErrors } from '../errors/api-status.error';

export interface FieldRequirement {
  field: string;
  equals: boolean;
  value: string;
}

/** Parses `fieldSelector`: `metadata.name` and `metadata.namespace` everywhere, plus per-kind labels. */
export function parseFieldSelector(text: string, type: ResourceType): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) throw statusErrors.badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !type.fieldLabels?.[field]) {
      throw statusErrors.badRequest(`field label not supported: ${field}`);
    }
    reqs.push({ field, equals: m[2] !== '!=', value: m[3]!.trim() });
  }
  return reqs;
}

export function matchesFields(reqs: FieldRequirement[], obj: KubeObject, type: ResourceType): boolean {
  return reqs.every((r) => {
    let actual: string | undefined;
    if (r.field === 'metadata.name') actual = obj.metadata?.['name'];
    else if (r.field === 'metadata.namespace') actual = obj.metadata?.['namespace'] ?? '';
    else actual = type.fieldLabels?.[r.field]?.(obj);
    return (String(actual ?? '') === r.value) === r.equals;
  });
}
