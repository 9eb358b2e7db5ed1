import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SourceError } from '../source.error';

/** How much one copy or digest may walk before it is refused as too large (`repo-too-large`). */
export interface TreeLimits {
  maxFiles: number;
  /** What the refusal names, e.g. `the chart apps/web`. */
  what: string;
}

export const DEFAULT_TREE_LIMITS: TreeLimits = { maxFiles: 100_000, what: 'the directory' };

/**
 * Visits every file below `dir` in path order, following symlinks (a fetched tree was checked for
 * symlinks that leave it) and skipping a directory that links back to one of its ancestors.
 */
async function walkFiles(
  dir: string,
  limits: TreeLimits,
  visit: (file: string, rel: string) => Promise<void>,
  skip: (rel: string) => boolean = () => false,
): Promise<void> {
  let files = 0;
  const walk = async (current: string, onPath: ReadonlySet<string>): Promise<void> => {
    const real = await realpath(current);
    if (onPath.has(real)) return;
    const inner = new Set(onPath).add(real);
    const entries = await readdir(current, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(current, entry.name);
      const rel = relative(dir, path).split(sep).join('/');
      if (skip(rel)) continue;
      const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : undefined;
      if (entry.isDirectory() || info?.isDirectory()) await walk(path, inner);
      else if (entry.isFile() || info?.isFile()) {
        if (++files > limits.maxFiles) {
          throw new SourceError(
            'repo-too-large',
            `${limits.what} holds more than ${limits.maxFiles} files; make it smaller`,
            'spec.source.path',
          );
        }
        await visit(path, rel);
      }
    }
  };
  await walk(dir, new Set());
}

/**
 * Copies (or, with `hardLink`, links) the files below `from` into `to`. Links cost no bytes but share
 * the file with the source: only for readers. A writer (a `helm dependency build`) gets copies, so
 * nothing it writes can reach the shared tree behind a link. `skip` leaves out paths (relative, `/`).
 */
export async function copyTree(
  from: string,
  to: string,
  options: {
    hardLink: boolean;
    limits?: TreeLimits;
    skip?: (rel: string) => boolean;
    /** Copies only: give every file this mode (e.g. 0o644, so no file of the repository is executable). */
    fileMode?: number;
  },
): Promise<void> {
  await mkdir(to, { recursive: true });
  await walkFiles(
    from,
    options.limits ?? DEFAULT_TREE_LIMITS,
    async (file, rel) => {
      const dest = join(to, rel);
      await mkdir(join(dest, '..'), { recursive: true });
      const source = await realpath(file);
      if (options.hardLink) {
        await link(source, dest).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code === 'EEXIST') return;
          await copyFile(source, dest); // another file system (EXDEV), or no hard links allowed here
        });
      } else {
        await copyFile(source, dest);
        if (options.fileMode !== undefined) await chmod(dest, options.fileMode);
      }
    },
    options.skip,
  );
}

/**
 * A digest of the files below `dir`: each file's path and the digest of its content, one JSON line per
 * file, so no two different trees share a digest however their files are named or filled (it keys a
 * cache shared by every app). Empty directories do not count.
 */
export async function treeDigest(dir: string, limits: TreeLimits = DEFAULT_TREE_LIMITS): Promise<string> {
  const hash = createHash('sha256');
  await walkFiles(dir, limits, async (file, rel) => {
    const content = createHash('sha256');
    for await (const chunk of createReadStream(file)) content.update(chunk as Buffer);
    hash.update(`${JSON.stringify([rel, content.digest('hex')])}\n`);
  });
  return hash.digest('hex');
}
