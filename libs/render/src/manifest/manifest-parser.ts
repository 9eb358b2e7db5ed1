import { excessiveYamlNesting, MAX_YAML_ALIAS_COUNT } from '@berth/sources';
import { LineCounter, parseAllDocuments } from 'yaml';
import { RenderError } from '../render.error';
import type { KubernetesObject } from '../source.types';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isKubernetesObject(value: unknown): value is KubernetesObject {
  return isObject(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string';
}

/** `v1/List`, `ConfigMapList`...: Argo CD applies the items, never the list itself. */
export function unpackLists(objects: KubernetesObject[]): KubernetesObject[] {
  return objects.flatMap((object) =>
    object.kind.endsWith('List') && Array.isArray(object.items)
      ? unpackLists((object.items as unknown[]).filter(isKubernetesObject))
      : [object],
  );
}

export interface ParsedDocument {
  index: number;
  value: unknown;
}

/**
 * Parses multi-document YAML (JSON is YAML). Syntax errors name the source and line, so a
 * person can find the typo; `source` is the file path or the tool that printed it. YAML bombs
 * (alias expansion, nesting) are refused with `manifest-too-complex` before they cost the process
 * its memory or its stack.
 */
export function parseYamlDocuments(text: string, source: string): ParsedDocument[] {
  const tooDeep = excessiveYamlNesting(text, source);
  if (tooDeep) throw new RenderError('manifest-too-complex', tooDeep, 'spec.source.path');
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: true });
  const out: ParsedDocument[] = [];
  for (const [index, document] of (Array.isArray(documents) ? documents : [documents]).entries()) {
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
      const reason = error.message.split('\n')[0] ?? error.code;
      throw new RenderError(
        'invalid-manifest',
        `${source}: invalid YAML at line ${line}: ${reason}`,
        'spec.source.path',
      );
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
    } catch (err) {
      // `yaml` throws a plain ReferenceError for an alias bomb: name the file, never a bare 500.
      throw new RenderError(
        'manifest-too-complex',
        `${source}: document ${index + 1} expands its aliases to more than ${MAX_YAML_ALIAS_COUNT} nodes (a "billion laughs" YAML bomb?); write the values out instead of aliasing them`,
        'spec.source.path',
        { cause: err },
      );
    }
    if (value === null || value === undefined) continue;
    out.push({ index, value });
  }
  return out;
}

/** Parses a tool's output (helm template, kustomize build) into objects, lists unpacked. */
export function parseToolOutput(text: string, tool: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const { index, value } of parseYamlDocuments(text, tool)) {
    if (!isKubernetesObject(value)) {
      throw new RenderError(
        'invalid-manifest',
        `${tool} printed document ${index + 1} without apiVersion and kind; fix the template that produces it`,
        'spec.source.path',
      );
    }
    objects.push(value);
  }
  return unpackLists(objects);
}
