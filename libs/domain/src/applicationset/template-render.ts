import { compileTemplate, TemplateError, type MissingKey } from '@berth/gotemplate';
import { isPlainObject } from '../application/field-checks';
import type { GeneratorParams } from './applicationset.types';

/**
 * Renders every string of an ApplicationSet template (map keys are kept), as Argo CD's
 * `Render.RenderTemplateParams` walks the Application struct: with fasttemplate by default
 * (`{{ name }}` is replaced by a string parameter; an unknown one, or one that is not a string, is
 * left as it is), or as a Go template (`goTemplate: true`, Sprig functions, `goTemplateOptions`).
 */
export interface RenderOptions {
  goTemplate: boolean;
  goTemplateOptions?: readonly string[];
}

export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
  constructor(
    /** Where in the template: `metadata.name`, `spec.source.path`. */
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Argo CD's fasttemplate replacement of one string. */
export function fastTemplateReplace(text: string, params: GeneratorParams): string {
  if (!text.includes('{{')) return text;
  let out = '';
  let rest = text;
  for (;;) {
    const start = rest.indexOf('{{');
    if (start < 0) return out + rest;
    const end = rest.indexOf('}}', start + 2);
    // fasttemplate: an unclosed start tag leaves the rest of the text unchanged.
    if (end < 0) return out + rest;
    out += rest.slice(0, start);
    const tag = rest.slice(start + 2, end);
    const key = tag.trim();
    const value = key === '' || !Object.hasOwn(params, key) ? undefined : params[key];
    out += typeof value === 'string' ? value : `{{${tag}}}`;
    rest = rest.slice(end + 2);
  }
}

/** Go's `Option(...)` strings Argo CD accepts in `goTemplateOptions`: only `missingkey=...`. */
export function missingKeyOf(options: readonly string[] | undefined): MissingKey {
  let missingKey: MissingKey = 'default';
  for (const option of options ?? []) {
    const match = /^missingkey=(default|invalid|zero|error)$/.exec(option);
    if (match) missingKey = match[1] as MissingKey;
  }
  return missingKey;
}

function renderString(text: string, params: GeneratorParams, options: RenderOptions, path: string): string {
  if (!options.goTemplate) return fastTemplateReplace(text, params);
  if (!text.includes('{{')) return text;
  try {
    return compileTemplate(text, path).render(params, {
      missingKey: missingKeyOf(options.goTemplateOptions),
      budget: { maxSteps: 100_000, maxOutputChars: 65_536 },
    });
  } catch (e) {
    if (e instanceof TemplateError) throw new TemplateRenderError(path, e.message, { cause: e });
    throw e;
  }
}

/** The template with every string rendered; throws TemplateRenderError naming the field. */
export function renderTemplate<T>(template: T, params: GeneratorParams, options: RenderOptions): T {
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') return renderString(value, params, options, path);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null || v === undefined) continue;
        out[k] = walk(v, path === '' ? k : `${path}.${k}`);
      }
      return out;
    }
    return value;
  };
  return walk(template, '') as T;
}
