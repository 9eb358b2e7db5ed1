import type { GeneratorParams } from './applicationset.types';
import { renderTemplate, type RenderOptions } from './template-render';

/**
 * Argo CD's `appendTemplatedValues`: a generator's `values` rendered with its own parameters, added as
 * `values.<key>` (fasttemplate) or under `values` (Go templates). Values see only the generator's
 * parameters, never each other.
 */
export function withTemplatedValues(
  values: Record<string, string> | undefined,
  params: GeneratorParams,
  options: RenderOptions,
): GeneratorParams {
  if (!values || Object.keys(values).length === 0) return params;
  const rendered = renderTemplate(values, params, options);
  if (options.goTemplate) return { ...params, values: rendered };
  const out = { ...params };
  for (const [key, value] of Object.entries(rendered)) out[`values.${key}`] = value;
  return out;
}
