import { isInside } from '@berth/sources';
import {
  copyFile,
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { isSeq, parseDocument } from 'yaml';
import { RenderError } from '../render.error';
import { existsSync } from 'node:fs';
import { walkKustomization, type RemoteBase } from './kustomization-graph';
import { KUSTOMIZATION_FILE_NAMES } from './source-type.detector';

/** How a render reaches the remote bases its project permits: through Berth's own repository layer. */
export interface RemoteBases {
  /** Argo CD's sourceRepos rule for the Application's project. */
  permits(repoURL: string): boolean;
  /** Runs `fn` on the repository's tree at `ref` (GitMirrorCache: URL policy, outbound guard, scoped credentials). */
  withTree<T>(repoURL: string, ref: string | undefined, fn: (tree: string) => Promise<T>): Promise<T>;
}

const MAX_REMOTE_BASES = 20;
const MAX_FILES = 200_000;

/**
 * A per-render directory holding only what one kustomize build may read: the kustomization
 * directories its graph loads (hard links into the shared tree: no bytes copied, and edits replace a
 * file instead of writing through the link), plus the permitted remote bases fetched by Berth and the
 * kustomization entries naming them rewritten to these local copies. It lives outside the data dir, so
 * nothing of another app or tenant is a `../` away.
 */
export class KustomizeWorkspace {
  private files = 0;
  private remotes = 0;

  private constructor(
    readonly dir: string,
    private readonly remoteBases: RemoteBases | undefined,
  ) {}

  static async create(
    workDir: string | undefined,
    remoteBases: RemoteBases | undefined,
  ): Promise<KustomizeWorkspace> {
    return new KustomizeWorkspace(await mkdtemp(join(workDir ?? tmpdir(), 'berth-kustomize-')), remoteBases);
  }

  /**
   * Copies the graph of `appDir` (inside `treeRoot`) into the workspace; returns the app's directory
   * there. `appKustomization` is the app's kustomization as it is to be built (the spec's options
   * written in): the graph is walked from it, so what the options add (components, patch files) is
   * checked and copied like the rest, and it replaces the app's kustomization file in the workspace.
   */
  async prepare(appDir: string, treeRoot: string, appKustomization?: string): Promise<string> {
    return this.add(appDir, treeRoot, join(this.dir, 'tree'), 0, appKustomization);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async add(
    appDir: string,
    treeRoot: string,
    target: string,
    depth: number,
    appKustomization?: string,
  ): Promise<string> {
    const graph = await walkKustomization(
      appDir,
      treeRoot,
      (url) => this.remoteBases?.permits(url) ?? false,
      appKustomization,
    );
    const realRoot = await realpath(treeRoot);
    const place = (real: string) => join(target, relative(realRoot, real));
    for (const root of graph.roots) await this.linkTree(root, place(root), new Set());
    if (appKustomization !== undefined) {
      const appCopy = place(graph.roots[0]!);
      const name = KUSTOMIZATION_FILE_NAMES.find((candidate) => existsSync(join(appCopy, candidate)));
      if (name) await replaceFile(join(appCopy, name), appKustomization);
    }
    for (const remote of graph.remotes) {
      const copy = await this.fetchRemote(remote, depth);
      await rewriteEntry(place(remote.file), remote, relative(dirname(place(remote.file)), copy));
    }
    return place(graph.roots[0]!);
  }

  /** Fetches a permitted remote base through Berth's repository layer into the workspace. */
  private async fetchRemote(remote: RemoteBase, depth: number): Promise<string> {
    if (!this.remoteBases || depth >= 5 || ++this.remotes > MAX_REMOTE_BASES) {
      throw new RenderError(
        'remote-refused',
        `${remote.field}[${remote.index}] "${remote.entry}": too many (or too deeply nested) remote bases; vendor them into the repository`,
        'spec.source.path',
      );
    }
    const target = join(this.dir, `remote-${this.remotes}`);
    return this.remoteBases.withTree(remote.repoURL, remote.ref, async (tree) => {
      const baseDir = join(tree, remote.path);
      if (!isInside(tree, baseDir) || !(await stat(baseDir).catch(() => undefined))?.isDirectory()) {
        throw new RenderError(
          'path-not-found',
          `${remote.field}[${remote.index}] "${remote.entry}": "${remote.path}" is not a directory of ${remote.repoURL}`,
          'spec.source.path',
        );
      }
      return this.add(baseDir, tree, target, depth + 1);
    });
  }

  /** Hard-links a directory tree (symlinks followed: their targets were checked to stay in the repository). */
  private async linkTree(from: string, to: string, onPath: Set<string>): Promise<void> {
    const real = await realpath(from);
    if (onPath.has(real)) return; // a symlink to an ancestor: kustomize would refuse the cycle too
    await mkdir(to, { recursive: true });
    const inner = new Set(onPath).add(real);
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (++this.files > MAX_FILES)
        throw new RenderError(
          'repo-too-large',
          `the kustomization loads more than ${MAX_FILES} files`,
          'spec.source.path',
        );
      const source = join(from, entry.name);
      const dest = join(to, entry.name);
      const info = entry.isSymbolicLink() ? await stat(source).catch(() => undefined) : undefined;
      if (entry.isDirectory() || info?.isDirectory()) await this.linkTree(source, dest, inner);
      else if (entry.isFile() || info?.isFile()) {
        const file = entry.isSymbolicLink() ? await realpath(source) : source;
        await link(file, dest).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code === 'EEXIST') return;
          await copyFile(file, dest); // another file system (EXDEV) or no hard links allowed
        });
      }
    }
  }
}

/** Replaces one entry of a kustomization list (in the workspace copy) with the path of its local copy. */
async function rewriteEntry(file: string, remote: RemoteBase, localPath: string): Promise<void> {
  const doc = parseDocument(await readFile(file, 'utf8'));
  const list = doc.get(remote.field);
  if (!isSeq(list)) return;
  list.set(remote.index, localPath);
  await replaceFile(file, doc.toString());
}

/** Writes a file of the workspace: unlinked first, since it may be a hard link into a shared tree. */
export async function replaceFile(path: string, text: string): Promise<void> {
  await unlink(path).catch(() => undefined);
  await writeFile(path, text);
}
