import { isPlainObject } from '../application/field-checks';
import type { ApplicationSetTemplate } from './applicationset.types';

/**
 * Argo CD's `mergeGeneratorTemplate`: `mergo.Merge(generatorTemplate, spec.template)`. The
 * generator's own template wins; the ApplicationSet's fills in what it leaves empty (maps merged key by
 * key; lists and values taken whole).
 */
export function mergeTemplates(
  generatorTemplate: ApplicationSetTemplate | undefined,
  specTemplate: ApplicationSetTemplate,
): ApplicationSetTemplate {
  if (!generatorTemplate) return specTemplate;
  return mergeValue(generatorTemplate, specTemplate) as ApplicationSetTemplate;
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    value === 0 ||
    (Array.isArray(value) && value.length === 0)
  );
}

function mergeValue(dest: unknown, src: unknown): unknown {
  if (isPlainObject(dest) && isPlainObject(src)) {
    const out: Record<string, unknown> = { ...dest };
    for (const [key, value] of Object.entries(src)) out[key] = mergeValue(dest[key], value);
    return out;
  }
  return isEmpty(dest) ? src : dest;
}
