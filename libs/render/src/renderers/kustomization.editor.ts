import { isMap, isSeq, parseDocument, type Document, YAMLMap } from 'yaml';
import { isDns1123Label, isLabelValue, isNameAffix, isQualifiedName } from '@berth/domain';
import { excessiveYamlNesting } from '@berth/sources';
import { RenderError } from '../render.error';
import type { ApplicationSourceKustomize } from '../source.types';

export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/**
 * Parses an image override the way `kustomize edit set image` does:
 * `nginx=registry/nginx:1.2`, `nginx:1.2`, `nginx@sha256:...`, `nginx=registry/nginx`.
 */
export function parseImageOverride(spec: string, field: string): KustomizeImage {
  const [left, right] = spec.includes('=')
    ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)]
    : [undefined, spec];
  const ref = splitImageRef(right);
  if (!ref.name)
    throw new RenderError(
      'unsupported-source',
      `${field} "${spec}" is not an image; use name=newName:tag`,
      field,
    );
  if (left === undefined) {
    return { name: ref.name, ...(ref.tag && { newTag: ref.tag }), ...(ref.digest && { digest: ref.digest }) };
  }
  if (!left)
    throw new RenderError('unsupported-source', `${field} "${spec}" has no image name before "="`, field);
  return {
    name: left,
    newName: ref.name,
    ...(ref.tag && { newTag: ref.tag }),
    ...(ref.digest && { digest: ref.digest }),
  };
}

function splitImageRef(ref: string): { name: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref };
}

function mapField(doc: Document, key: string): YAMLMap {
  const existing = doc.get(key);
  if (isMap(existing)) return existing;
  const created = new YAMLMap();
  doc.set(key, created);
  return created;
}

/** Replaces list entries with the same `name`, appends new ones (what `kustomize edit set` does). */
function upsertByName(doc: Document, key: string, entries: Record<string, unknown>[]): void {
  const existing = doc.get(key);
  const list: Record<string, unknown>[] = isSeq(existing)
    ? (existing.toJSON() as Record<string, unknown>[])
    : [];
  for (const entry of entries) {
    const at = list.findIndex((item) => item.name === entry.name);
    if (at >= 0) list[at] = entry;
    else list.push(entry);
  }
  doc.set(key, doc.createNode(list));
}

/**
 * Applies Argo CD's kustomize options (`spec.source.kustomize`) to a kustomization file, with
 * the same effect as the `kustomize edit set image|nameprefix|namesuffix|namespace|replicas`
 * and `kustomize edit add label|annotation --force` commands Argo CD runs. Done on the YAML
 * here because `kubectl kustomize` (our pinned kustomize) has no `edit`, and one code path
 * keeps renders identical whichever kustomize is installed.
 */
export function applyKustomizeOptions(
  kustomizationYaml: string,
  options: ApplicationSourceKustomize,
): string {
  const tooDeep = excessiveYamlNesting(kustomizationYaml, 'kustomization file');
  if (tooDeep) throw new RenderError('manifest-too-complex', tooDeep, 'spec.source.path');
  const doc = parseDocument(kustomizationYaml);
  if (doc.errors[0]) {
    throw new RenderError(
      'invalid-manifest',
      `kustomization file is not valid YAML: ${doc.errors[0].message}`,
      'spec.source.path',
    );
  }
  if (!isMap(doc.contents) && doc.contents !== null) {
    throw new RenderError('invalid-manifest', 'kustomization file is not a YAML mapping', 'spec.source.path');
  }
  assertKustomizeOptions(options);
  if (options.namePrefix) doc.set('namePrefix', options.namePrefix);
  if (options.nameSuffix) doc.set('nameSuffix', options.nameSuffix);
  if (options.namespace) doc.set('namespace', options.namespace);
  if (options.images?.length) {
    upsertByName(
      doc,
      'images',
      options.images.map((image, i) => ({
        ...parseImageOverride(image, `spec.source.kustomize.images[${i}]`),
      })),
    );
  }
  if (options.replicas?.length) {
    upsertByName(
      doc,
      'replicas',
      options.replicas.map((replica, i) => {
        const count = typeof replica.count === 'number' ? replica.count : Number.parseInt(replica.count, 10);
        if (!Number.isInteger(count) || count < 0) {
          throw new RenderError(
            'unsupported-source',
            `spec.source.kustomize.replicas[${i}].count "${replica.count}" is not a whole number`,
            `spec.source.kustomize.replicas[${i}].count`,
          );
        }
        return { name: replica.name, count };
      }),
    );
  }
  for (const [key, values] of [
    ['commonLabels', options.commonLabels],
    ['commonAnnotations', options.commonAnnotations],
  ] as const) {
    if (!values || Object.keys(values).length === 0) continue;
    const map = mapField(doc, key);
    for (const [name, value] of Object.entries(values)) map.set(name, value);
  }
  return doc.toString();
}

/** Render-time check of the options written into the kustomization (the validator checks them at create time). */
function assertKustomizeOptions(options: ApplicationSourceKustomize): void {
  const refuse = (field: string, message: string): never => {
    throw new RenderError(
      'invalid-argument',
      `spec.source.kustomize.${field} ${message}`,
      `spec.source.kustomize.${field}`,
    );
  };
  if (options.namePrefix && !isNameAffix(options.namePrefix))
    refuse(
      'namePrefix',
      `"${options.namePrefix}" is not a name prefix (lowercase letters, digits, "-", ".")`,
    );
  if (options.nameSuffix && !isNameAffix(options.nameSuffix))
    refuse(
      'nameSuffix',
      `"${options.nameSuffix}" is not a name suffix (lowercase letters, digits, "-", ".")`,
    );
  if (options.namespace && !isDns1123Label(options.namespace))
    refuse('namespace', `"${options.namespace}" is not a namespace name`);
  for (const [key, value] of Object.entries(options.commonLabels ?? {})) {
    if (!isQualifiedName(key) || !isLabelValue(value))
      refuse(
        `commonLabels.${key}`,
        `"${key}: ${value}" is not a label (key and value as Kubernetes accepts them)`,
      );
  }
  for (const key of Object.keys(options.commonAnnotations ?? {})) {
    if (!isQualifiedName(key)) refuse(`commonAnnotations.${key}`, `"${key}" is not an annotation key`);
  }
}
