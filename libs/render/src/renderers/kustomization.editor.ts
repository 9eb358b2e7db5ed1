import { isMap, isSeq, parseDocument, type Document, YAMLMap, YAMLSeq } from 'yaml';
import { isDns1123Label, isLabelValue, isNameAffix, isQualifiedName } from '@berth/domain';
import { excessiveYamlNesting } from '@berth/sources';
import { RenderError } from '../render.error';
import type { ApplicationSourceKustomize } from '../source.types';
import { envsubst, type BuildEnvEntry } from './build-environment';

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

/** What applying the options needs besides the options: the build environment and the components found. */
export interface KustomizeEditContext {
  /** Argo CD's build environment, for `$ARGOCD_APP_REVISION` in images, labels and (opt-in) annotations. */
  env?: readonly BuildEnvEntry[];
  /**
   * `components` to add, as found in the tree (renderKustomize leaves out the missing ones when
   * `ignoreMissingComponents` is set and refuses them otherwise). Default: `options.components`.
   */
  components?: readonly string[];
}

/**
 * `kustomize edit add label|annotation` semantics: a key the kustomization already sets is refused
 * unless forced (Argo CD's forceCommonLabels / forceCommonAnnotations add `--force`).
 */
function mergeMap(
  map: YAMLMap,
  values: Record<string, string>,
  force: boolean,
  what: 'label' | 'annotation',
  field: string,
): void {
  for (const [name, value] of Object.entries(values)) {
    if (map.has(name) && !force) {
      const flag = what === 'label' ? 'forceCommonLabels' : 'forceCommonAnnotations';
      throw new RenderError(
        'invalid-argument',
        `${field}.${name}: the kustomization already sets ${what} "${name}"; set spec.source.kustomize.${flag}: true to override it (kustomize edit add ${what} refuses without --force)`,
        `${field}.${name}`,
      );
    }
    map.set(name, value);
  }
}

/**
 * `kustomize edit add label --without-selector [--include-templates]`: the labels go to a `labels`
 * entry that leaves selectors alone (the first one of the same kind, or a new one).
 */
function addLabelsWithoutSelector(
  doc: Document,
  labels: Record<string, string>,
  includeTemplates: boolean,
  force: boolean,
): void {
  const existing = doc.get('labels');
  const list = isSeq(existing) ? existing : new YAMLSeq();
  if (!isSeq(existing)) doc.set('labels', list);
  let entry = list.items.find(
    (item): item is YAMLMap =>
      isMap(item) &&
      item.get('includeSelectors') !== true &&
      (item.get('includeTemplates') === true) === includeTemplates &&
      !item.has('fields'),
  );
  if (!entry) {
    entry = new YAMLMap();
    entry.set('pairs', new YAMLMap());
    if (includeTemplates) entry.set('includeTemplates', true);
    list.add(entry);
  }
  let pairs = entry.get('pairs');
  if (!isMap(pairs)) {
    pairs = new YAMLMap();
    entry.set('pairs', pairs);
  }
  mergeMap(pairs as YAMLMap, labels, force, 'label', 'spec.source.kustomize.commonLabels');
}

function envsubstMap(env: readonly BuildEnvEntry[], values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, envsubst(env, value)]));
}

/**
 * Applies Argo CD's kustomize options (`spec.source.kustomize`) to a kustomization file, in Argo CD's
 * order and with the effect of the commands it runs: `kustomize edit set nameprefix|namesuffix|image|
 * replicas|namespace`, `kustomize edit add label|annotation [--force] [--without-selector
 * [--include-templates]]`, `kustomize edit add component`, and `patches` appended to the file. Images
 * and label values have the build environment substituted (annotation values with
 * `commonAnnotationsEnvsubst`). Done on the YAML here because `kubectl kustomize` (our pinned
 * kustomize) has no `edit`, and one code path keeps renders identical whichever kustomize is installed.
 */
export function applyKustomizeOptions(
  kustomizationYaml: string,
  options: ApplicationSourceKustomize,
  context: KustomizeEditContext = {},
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
  const env = context.env ?? [];
  const labels = envsubstMap(env, options.commonLabels ?? {});
  const annotations = options.commonAnnotationsEnvsubst
    ? envsubstMap(env, options.commonAnnotations ?? {})
    : (options.commonAnnotations ?? {});
  const images = (options.images ?? []).map((image) => envsubst(env, image));
  assertKustomizeOptions({ ...options, commonLabels: labels, commonAnnotations: annotations, images });
  if (options.namePrefix) doc.set('namePrefix', options.namePrefix);
  if (options.nameSuffix) doc.set('nameSuffix', options.nameSuffix);
  if (images.length) {
    upsertByName(
      doc,
      'images',
      images.map((image, i) => ({
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
  if (Object.keys(labels).length > 0) {
    if (options.labelWithoutSelector)
      addLabelsWithoutSelector(
        doc,
        labels,
        options.labelIncludeTemplates === true,
        options.forceCommonLabels === true,
      );
    else
      mergeMap(
        mapField(doc, 'commonLabels'),
        labels,
        options.forceCommonLabels === true,
        'label',
        'spec.source.kustomize.commonLabels',
      );
  }
  if (Object.keys(annotations).length > 0)
    mergeMap(
      mapField(doc, 'commonAnnotations'),
      annotations,
      options.forceCommonAnnotations === true,
      'annotation',
      'spec.source.kustomize.commonAnnotations',
    );
  if (options.namespace) doc.set('namespace', options.namespace);
  if (options.patches?.length) appendToList(doc, 'patches', options.patches.map(patchOf));
  const components = context.components ?? options.components ?? [];
  if (components.length) {
    // `kustomize edit add component` skips a component the kustomization already lists.
    const listed = doc.get('components');
    const present = new Set<unknown>(isSeq(listed) ? listed.toJSON() : []);
    appendToList(
      doc,
      'components',
      components.filter((component) => !present.has(component)),
    );
  }
  return doc.toString();
}

const TARGET_FIELDS = [
  'group',
  'version',
  'kind',
  'name',
  'namespace',
  'labelSelector',
  'annotationSelector',
];
const PATCH_OPTIONS = ['allowNameChange', 'allowKindChange'];

/**
 * One `spec.source.kustomize.patches` entry as Argo CD's KustomizePatch has it (`path` or `patch`, an
 * optional `target` selector, `options`), rebuilt from its known fields only. A `path` is checked
 * with the rest of the kustomization graph (inside the repository) before kustomize runs.
 */
function patchOf(raw: Record<string, unknown>, index: number): Record<string, unknown> {
  const field = `spec.source.kustomize.patches[${index}]`;
  const refuse = (message: string): never => {
    throw new RenderError('invalid-argument', `${field} ${message}`, field);
  };
  const patch: Record<string, unknown> = {};
  for (const key of ['path', 'patch'] as const) {
    const value = raw[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') refuse(`.${key} is not a string`);
    patch[key] = value;
  }
  if (patch.path === undefined && patch.patch === undefined) refuse('has neither path nor patch');
  const target = raw.target;
  if (target !== undefined && target !== null) {
    if (typeof target !== 'object' || Array.isArray(target)) refuse('.target is not a selector');
    const selector: Record<string, string> = {};
    for (const key of TARGET_FIELDS) {
      const value = (target as Record<string, unknown>)[key];
      if (value === undefined || value === null || value === '') continue;
      if (typeof value !== 'string') refuse(`.target.${key} is not a string`);
      selector[key] = value as string;
    }
    patch.target = selector;
  }
  const options = raw.options;
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) refuse('.options is not a map');
    const flags: Record<string, boolean> = {};
    for (const key of PATCH_OPTIONS) {
      const value = (options as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') refuse(`.options.${key} is not true or false`);
      flags[key] = value as boolean;
    }
    patch.options = flags;
  }
  return patch;
}

function appendToList(doc: Document, key: string, entries: readonly unknown[]): void {
  const existing = doc.get(key);
  if (existing !== undefined && existing !== null && !isSeq(existing)) {
    throw new RenderError(
      'invalid-manifest',
      `the kustomization's ${key} is not a list, so spec.source.kustomize.${key} cannot be added to it`,
      'spec.source.path',
    );
  }
  const list = isSeq(existing) ? existing : new YAMLSeq();
  for (const entry of entries) list.add(doc.createNode(entry));
  doc.set(key, list);
}

/** Render-time check of the options written into the kustomization (the validator checks them at create time). */
function assertKustomizeOptions(options: ApplicationSourceKustomize): void {
  if (options.labelIncludeTemplates && !options.labelWithoutSelector)
    throw new RenderError(
      'invalid-argument',
      'spec.source.kustomize.labelIncludeTemplates needs labelWithoutSelector: true (kustomize adds labels to templates only without selectors)',
      'spec.source.kustomize.labelIncludeTemplates',
    );
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
