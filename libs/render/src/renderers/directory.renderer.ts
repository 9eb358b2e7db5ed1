import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { isKubernetesObject, parseYamlDocuments, unpackLists } from '../manifest/manifest-parser';
import { isRenderError, RenderError } from '../render.error';
import type { ApplicationSourceDirectory, KubernetesObject } from '../source.types';
import { evaluateJsonnet, prepareJsonnet, type JsonnetRenderContext } from './jsonnet/jsonnet.renderer';
import type { JsonnetWorkspace } from './jsonnet/jsonnet-workspace';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
/** Argo CD evaluates `*.jsonnet` files; `*.libsonnet` ones are only imported. */
const JSONNET_FILE = /\.jsonnet$/;

export interface DirectoryRenderOptions {
  /** Stop reading once the manifest files add up to more than this. */
  maxTotalBytes: number;
  /** How `.jsonnet` files are evaluated; without it a directory holding one is refused. */
  jsonnet?: JsonnetRenderContext;
}

/**
 * Argo CD matches include/exclude with a glob where `*` also crosses `/`. picomatch's `*` stops
 * at `/`, so a pattern without a slash is also tried against the file name: `*.yaml` then
 * selects every YAML file at any depth, as in Argo CD.
 */
function globMatcher(pattern: string | undefined): ((relPath: string) => boolean) | undefined {
  if (!pattern) return undefined;
  const full = picomatch(pattern, { dot: true });
  const byName =
    !pattern.includes('/') && pattern.includes('*') ? picomatch(pattern, { dot: true }) : undefined;
  return (relPath) => full(relPath) || (byName?.(basename(relPath)) ?? false);
}

/** A YAML file Argo CD would still refuse when it does not parse: it looks like a resource. */
function looksLikeResource(text: string): boolean {
  return text.includes('apiVersion:') && text.includes('kind:') && text.includes('metadata:');
}

async function listFiles(root: string, recurse: boolean): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      // Symlinks were checked to stay inside the tree; follow them like a checkout would.
      const isDir =
        entry.isDirectory() ||
        (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isDirectory());
      if (isDir) {
        if (recurse) await walk(path);
      } else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(root);
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Renders a plain directory of manifests like Argo CD's directory source: `.yaml`, `.yml`
 * and `.json` files (other files ignored), multi-document YAML, `List` kinds unpacked,
 * `recurse`, `include`/`exclude` globs (brace syntax `{a.yaml,b.yaml}` works), and `.jsonnet`
 * files evaluated with `directory.jsonnet` (jsonnet.renderer.ts). Order is by path, then document
 * index, so the same commit always gives the same list.
 */
export async function renderDirectory(
  appDir: string,
  directory: ApplicationSourceDirectory | undefined,
  options: DirectoryRenderOptions,
): Promise<KubernetesObject[]> {
  const include = globMatcher(directory?.include);
  const exclude = globMatcher(directory?.exclude);
  const selected = (await listFiles(appDir, directory?.recurse ?? false)).filter(
    (relPath) =>
      (MANIFEST_FILE.test(relPath) || JSONNET_FILE.test(relPath)) &&
      (!include || include(relPath)) &&
      !exclude?.(relPath),
  );
  const jsonnetFiles = selected.filter((relPath) => JSONNET_FILE.test(relPath));
  let jsonnet: { workspace: JsonnetWorkspace; context: JsonnetRenderContext } | undefined;
  if (jsonnetFiles.length > 0) {
    if (!options.jsonnet) {
      throw new RenderError(
        'unsupported-source',
        `${jsonnetFiles[0]} is Jsonnet, which this renderer is not set up to evaluate; exclude it with spec.source.directory.exclude`,
        'spec.source.directory',
      );
    }
    const files = jsonnetFiles.map((relPath) => join(appDir, relPath));
    const workspace = await prepareJsonnet(appDir, files, directory?.jsonnet, options.jsonnet);
    jsonnet = { workspace, context: options.jsonnet };
  }
  try {
    const objects: KubernetesObject[] = [];
    let totalBytes = 0;
    for (const relPath of selected) {
      if (jsonnet && JSONNET_FILE.test(relPath)) {
        objects.push(...(await evaluateJsonnet(jsonnet.workspace, join(appDir, relPath), jsonnet.context)));
        continue;
      }
      const text = await readManifest(appDir, relPath);
      totalBytes += Buffer.byteLength(text);
      if (totalBytes > options.maxTotalBytes) {
        throw new RenderError(
          'output-too-large',
          `the manifests under spec.source.path add up to more than ${options.maxTotalBytes} bytes; split the application`,
          'spec.source.path',
        );
      }
      objects.push(...manifestObjects(text, relPath));
    }
    return objects;
  } finally {
    await jsonnet?.workspace.dispose();
  }
}

async function readManifest(appDir: string, relPath: string): Promise<string> {
  try {
    return await readFile(join(appDir, relPath), 'utf8');
  } catch (err) {
    throw new RenderError(
      'invalid-manifest',
      `cannot read ${relPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; is it a dangling symlink?`,
      'spec.source.path',
      { cause: err },
    );
  }
}

/** The objects of one YAML or JSON file; an unrelated YAML file (CI config, values...) gives none, as in Argo CD. */
function manifestObjects(text: string, relPath: string): KubernetesObject[] {
  let documents;
  try {
    documents = parseYamlDocuments(text, relPath);
  } catch (err) {
    // A YAML bomb is refused even in a file that does not look like a manifest: skipping it silently
    // would hide it, and it says more about the repository than a typo does.
    if (looksLikeResource(text) || isRenderError(err, 'manifest-too-complex')) throw err;
    return [];
  }
  const fileObjects: KubernetesObject[] = [];
  for (const { index, value } of documents) {
    if (!isKubernetesObject(value)) {
      if (fileObjects.length === 0 && documents.length === 1 && !looksLikeResource(text)) return [];
      throw new RenderError(
        'invalid-manifest',
        `${relPath}: document ${index + 1} has no apiVersion or kind; every document must be a Kubernetes object`,
        'spec.source.path',
      );
    }
    fileObjects.push(value);
  }
  return unpackLists(fileObjects);
}
