import { isPlainObject } from '../application/field-checks';
import type { GeneratorParams, ListGenerator } from './applicationset.types';
import { GeneratorError } from './generator.error';

/**
 * Argo CD's list generator: one parameter set per element. With Go templates the element is passed as
 * it is; with fasttemplate every value must be a string, and the `values` map becomes `values.<key>`.
 */
export function listParams(list: ListGenerator, goTemplate: boolean, path: string): GeneratorParams[] {
  return (list.elements ?? []).map((element, index) => {
    const at = `${path}.elements[${index}]`;
    if (goTemplate) return { ...element };
    const params: GeneratorParams = {};
    for (const [key, value] of Object.entries(element)) {
      if (key === 'values') {
        if (!isPlainObject(value)) throw new GeneratorError(`${at}.values`, 'expected a map of strings');
        for (const [k, v] of Object.entries(value)) {
          if (typeof v !== 'string')
            throw new GeneratorError(
              `${at}.values.${k}`,
              'expected a string (without goTemplate, list values must be strings); quote it or set spec.goTemplate: true',
            );
          params[`values.${k}`] = v;
        }
      } else {
        if (typeof value !== 'string')
          throw new GeneratorError(
            `${at}.${key}`,
            'expected a string (without goTemplate, list values must be strings); quote it or set spec.goTemplate: true',
          );
        params[key] = value;
      }
    }
    return params;
  });
}
