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
 * person can find the typo; `source` is the file path or the tool that printed it.
 */
export function parseYamlDocuments(text: string, source: string): ParsedDocument[] {
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
    const value: unknown = document.toJS({ maxAliasCount: 1000 });
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
