import { isInside } from '@berth/sources';
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseYamlDocuments } from '../manifest/manifest-parser';
import { RenderError } from '../render.error';
import { KUSTOMIZATION_FILE_NAMES } from './source-type.detector';

/** A remote base a kustomization names (`https://host/org/repo.git//dir?ref=v1`), as Git coordinates. */
export interface RemoteBase {
  /** The kustomization file that names it (real path) and where: `resources[2]`. */
  file: string;
  field: string;
  index: number;
  entry: string;
  repoURL: string;
  ref?: string;
  /** Directory inside the repository ('' for its root). */
  path: string;
}

export interface KustomizationGraph {
  /** Real paths of every kustomization directory the build loads, the app's first. */
  roots: string[];
  remotes: RemoteBase[];
}

/** Fields whose entries kustomize loads as a kustomization directory, a file or a remote URL. */
const RESOURCE_FIELDS = ['resources', 'bases', 'components', 'generators', 'transformers', 'validators'];
/** Fields whose entries kustomize loads as files (an http(s) URL is fetched by kustomize itself). */
const FILE_FIELDS = ['crds', 'configurations', 'patchesStrategicMerge'];
/** Fields of entries (and of plugin configs) that name files: `patches[].path`, generator `files`... */
const PATH_KEYS = new Set([
  'path',
  'paths',
  'files',
  'envs',
  'env',
  'valuesFile',
  'additionalValuesFiles',
  'chartHome',
  'configHome',
]);
/** Kustomize's forms of a remote reference (v5 repospec.go): a scheme, `user@host:`, `github.com/`. */
const REMOTE_FORMS = [/^[A-Za-z][A-Za-z0-9+.-]*:/, /^[A-Za-z][A-Za-z0-9-]*@/, /^github\.com\//i];

const FIELD = 'spec.source.path';
const MAX_KUSTOMIZATIONS = 1000;

function isRemote(entry: string): boolean {
  return REMOTE_FORMS.some((form) => form.test(entry));
}

/**
 * Parses kustomize's remote URL grammar into Git coordinates: `git::` prefix, `?ref=` / `?version=`,
 * the repository/path split at `//`, after `.git`, after `_git/<repo>` (Azure) or, on github.com, after
 * `org/repo`. Undefined when the repository cannot be told from the path (a plain http(s) file).
 */
export function parseRemoteBase(
  entry: string,
): Omit<RemoteBase, 'file' | 'field' | 'index' | 'entry'> | undefined {
  const [beforeQuery = '', query = ''] = entry.replace(/^git::/i, '').split(/\?(.*)/s);
  const params = new URLSearchParams(query);
  const ref = params.get('ref') || params.get('version') || undefined;
  let rest = beforeQuery;
  if (/^github\.com[:/]/i.test(rest)) rest = `https://github.com/${rest.slice('github.com/'.length)}`;
  let prefix: string;
  let remainder: string;
  const url = /^((?:https?|ssh):\/\/[^/]+\/)(.*)$/i.exec(rest);
  const scp = /^([A-Za-z][A-Za-z0-9-]*@[^:/]+:)(.*)$/.exec(rest);
  if (url) [prefix, remainder] = [url[1]!, url[2]!];
  else if (scp) [prefix, remainder] = [scp[1]!, scp[2]!];
  else return undefined;
  let repoPath: string;
  let path: string;
  const azure = /^(.*?_git\/[^/]+)\/?(.*)$/.exec(remainder);
  const dotGit = /^(.*?\.git)(?:\/+(.*))?$/.exec(remainder);
  if (azure) [repoPath, path] = [azure[1]!, azure[2] ?? ''];
  else if (remainder.includes('//'))
    [repoPath, path] = [
      remainder.slice(0, remainder.indexOf('//')),
      remainder.slice(remainder.indexOf('//') + 2),
    ];
  else if (dotGit) [repoPath, path] = [dotGit[1]!, dotGit[2] ?? ''];
  else if (/^https:\/\/github\.com\/$/i.test(prefix)) {
    const segments = remainder.split('/');
    if (segments.length < 2) return undefined;
    [repoPath, path] = [segments.slice(0, 2).join('/'), segments.slice(2).join('/')];
  } else return undefined;
  return { repoURL: `${prefix}${repoPath}`, ...(ref ? { ref } : {}), path: path.replace(/^\/+|\/+$/g, '') };
}

interface WalkContext {
  treeRoot: string;
  realRoot: string;
  /** The app's kustomization as it will be built (with the spec's options written in), read instead of its file. */
  appKustomization?: { dir: string; text: string };
  permitsRemote: (repoURL: string) => boolean;
  roots: string[];
  remotes: RemoteBase[];
}

/**
 * Walks the kustomization graph from `appDir` the way `kustomize build` loads it and refuses, naming
 * the file and the entry, everything that would read outside the repository tree: absolute paths,
 * `..` or symlinks leaving it (kustomize lets a directory resource go to any non-ancestor directory),
 * `file://` clones (another tenant's mirror on the worker's disk), http(s) files kustomize would fetch
 * itself, and remote bases the project does not permit (`permitsRemote`: Argo CD's sourceRepos rule).
 * Permitted remote bases are returned for the caller to fetch through Berth's own repository layer.
 */
export async function walkKustomization(
  appDir: string,
  treeRoot: string,
  permitsRemote: (repoURL: string) => boolean = () => false,
  /** The app's kustomization text to walk instead of its file (the spec's options written in). */
  appKustomization?: string,
): Promise<KustomizationGraph> {
  const realAppDir = await realpath(appDir);
  const context: WalkContext = {
    treeRoot,
    realRoot: await realpath(treeRoot),
    permitsRemote,
    roots: [],
    remotes: [],
    ...(appKustomization !== undefined
      ? { appKustomization: { dir: realAppDir, text: appKustomization } }
      : {}),
  };
  await visit(context, realAppDir);
  return { roots: context.roots, remotes: context.remotes };
}

async function visit(context: WalkContext, dir: string): Promise<void> {
  if (context.roots.includes(dir)) return;
  if (context.roots.length >= MAX_KUSTOMIZATIONS) {
    throw new RenderError(
      'repo-too-large',
      `the kustomization graph loads more than ${MAX_KUSTOMIZATIONS} kustomizations`,
      FIELD,
    );
  }
  const name = KUSTOMIZATION_FILE_NAMES.find((candidate) => existsSync(join(dir, candidate)));
  if (!name) return; // kustomize says so itself, naming the directory
  context.roots.push(dir);
  const file = join(dir, name);
  const shown = relative(context.realRoot, file);
  const text =
    context.appKustomization?.dir === dir ? context.appKustomization.text : await readFile(file, 'utf8');
  const [document] = parseYamlDocuments(text, shown);
  const kustomization = (document?.value ?? {}) as Record<string, unknown>;
  if (typeof kustomization !== 'object' || Array.isArray(kustomization)) return;
  const refuse = (
    code: 'path-escape' | 'remote-refused',
    where: string,
    entry: string,
    why: string,
  ): never => {
    throw new RenderError(code, `${shown}: ${where} "${entry}" ${why}`, FIELD);
  };

  for (const field of RESOURCE_FIELDS) {
    for (const [index, entry] of stringsOf(kustomization[field])) {
      const where = `${field}[${index}]`;
      if (entry.includes('\n')) {
        // An inline generator/transformer config: its own path fields are files of this kustomization.
        await checkPluginConfig(context, dir, entry, shown, where);
        continue;
      }
      if (isRemote(entry)) {
        classifyRemote(context, file, shown, field, index, entry);
        continue;
      }
      const target = await insideTree(context, dir, entry, shown, where);
      const info = await stat(target).catch(() => undefined);
      if (info?.isDirectory()) await visit(context, target);
      else if (info?.isFile() && field !== 'resources' && field !== 'bases' && field !== 'components')
        await checkPluginConfig(
          context,
          dir,
          await readFile(target, 'utf8'),
          relative(context.realRoot, target),
          where,
        );
    }
  }
  for (const field of FILE_FIELDS) {
    for (const [index, entry] of stringsOf(kustomization[field])) {
      if (field === 'patchesStrategicMerge' && entry.includes('\n')) continue; // an inline patch
      await checkFile(context, dir, entry, shown, `${field}[${index}]`);
    }
  }
  for (const field of [
    'patches',
    'patchesJson6902',
    'replacements',
    'configMapGenerator',
    'secretGenerator',
    'helmCharts',
  ]) {
    const list = kustomization[field];
    if (!Array.isArray(list)) continue;
    for (const [index, item] of list.entries())
      await checkPathKeys(context, dir, item, shown, `${field}[${index}]`);
  }
  for (const field of ['openapi', 'helmGlobals'])
    await checkPathKeys(context, dir, kustomization[field], shown, field);

  function classifyRemote(
    ctx: WalkContext,
    kustomizationFile: string,
    shownFile: string,
    field: string,
    index: number,
    entry: string,
  ): void {
    const where = `${field}[${index}]`;
    if (/^(git::)?file:/i.test(entry))
      refuse(
        'remote-refused',
        where,
        entry,
        "reads the worker's disk (other repositories' mirrors); use a path inside this repository",
      );
    const remote = parseRemoteBase(entry);
    if (remote === undefined)
      return refuse(
        'remote-refused',
        where,
        entry,
        'is a remote file; Berth loads remote bases only as Git repositories (https://host/org/repo.git//dir?ref=v1) that the project permits: commit the file instead',
      );
    if (!ctx.permitsRemote(remote.repoURL))
      refuse(
        'remote-refused',
        where,
        entry,
        `is a remote base from ${remote.repoURL}, which the Application's project does not permit; add it to the project's sourceRepos or vendor the base into this repository`,
      );
    ctx.remotes.push({ file: kustomizationFile, field, index, entry, ...remote });
    void shownFile;
  }

  async function checkFile(
    ctx: WalkContext,
    from: string,
    entry: string,
    shownFile: string,
    where: string,
  ): Promise<void> {
    if (isRemote(entry))
      refuse(
        'remote-refused',
        where,
        entry,
        'is a URL kustomize would fetch itself; commit the file to the repository',
      );
    await insideTree(ctx, from, entry, shownFile, where);
  }

  async function checkPathKeys(
    ctx: WalkContext,
    from: string,
    value: unknown,
    shownFile: string,
    where: string,
  ): Promise<void> {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries())
        await checkPathKeys(ctx, from, item, shownFile, `${where}[${i}]`);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (PATH_KEYS.has(key)) {
        const paths = typeof inner === 'string' ? [[0, inner] as const] : stringsOf(inner);
        for (const [i, raw] of paths) {
          // Generator `files` entries are `[key=]path`.
          const path = key === 'files' && raw.includes('=') ? raw.slice(raw.indexOf('=') + 1) : raw;
          await checkFile(
            ctx,
            from,
            path,
            shownFile,
            typeof inner === 'string' ? `${where}.${key}` : `${where}.${key}[${i}]`,
          );
        }
      } else await checkPathKeys(ctx, from, inner, shownFile, `${where}.${key}`);
    }
  }

  async function checkPluginConfig(
    ctx: WalkContext,
    from: string,
    text: string,
    shownFile: string,
    where: string,
  ): Promise<void> {
    for (const { value } of parseYamlDocuments(text, shownFile))
      await checkPathKeys(ctx, from, value, shownFile, where);
  }
}

/** Resolves a local entry inside the repository tree, symlinks included, or refuses it naming the file. */
async function insideTree(
  context: WalkContext,
  from: string,
  entry: string,
  shown: string,
  where: string,
): Promise<string> {
  const fail = (why: string): never => {
    throw new RenderError('path-escape', `${shown}: ${where} "${entry}" ${why}`, FIELD);
  };
  if (isAbsolute(entry))
    fail('is an absolute path; give a path inside the repository, relative to the kustomization');
  const target = resolve(from, entry);
  if (!isInside(context.realRoot, target))
    fail('points outside the repository; keep kustomize resources inside it');
  const real = await realpathOfDeepestExisting(target);
  if (!isInside(context.realRoot, real)) fail('goes through a symlink to outside the repository');
  return real;
}

async function realpathOfDeepestExisting(path: string): Promise<string> {
  for (let probe = path; ; probe = dirname(probe)) {
    const real = await realpath(probe).catch(() => undefined);
    if (real !== undefined) return join(real, relative(probe, path));
    if (dirname(probe) === probe) return path;
  }
}

function stringsOf(value: unknown): Array<readonly [number, string]> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, index) => (typeof item === 'string' ? [[index, item] as const] : []));
}
