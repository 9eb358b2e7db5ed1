import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RenderError } from '../render.error';

/** True when `child` is `root` or below it (both absolute, normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves a path from the spec (`spec.source.path`, a helm value file) inside a repository
 * tree. Refuses absolute paths, `..` escapes and symlinks whose target leaves the tree: the
 * CVE-2022-24348 class, where a value file like `../../other-app/secrets.yaml` read another
 * tenant's files. Returns the absolute path; the file may not exist.
 */
export async function resolveInside(
  treeRoot: string,
  from: string,
  relPath: string,
  field: string,
): Promise<string> {
  if (isAbsolute(relPath)) {
    throw new RenderError(
      'path-escape',
      `${field} "${relPath}" is an absolute path; give a path relative to the repository`,
      field,
    );
  }
  const root = await realpath(treeRoot);
  const target = resolve(from, relPath);
  if (!isInside(resolve(treeRoot), target)) {
    throw new RenderError(
      'path-escape',
      `${field} "${relPath}" points outside the repository; keep it inside the repository`,
      field,
    );
  }
  const real = await realpathOfDeepestExisting(target);
  if (!isInside(root, real)) {
    throw new RenderError(
      'symlink-escape',
      `${field} "${relPath}" goes through a symlink to outside the repository; Berth only reads files inside it`,
      field,
    );
  }
  return target;
}

/** realpath of the path, or of its deepest existing ancestor when it does not exist. */
async function realpathOfDeepestExisting(path: string): Promise<string> {
  let probe = path;
  for (;;) {
    try {
      return await realpath(probe);
    } catch {
      const parent = dirname(probe);
      if (parent === probe) return probe;
      probe = parent;
    }
  }
}

/**
 * Refuses a tree that holds a symlink pointing outside it (Argo CD's
 * `CheckOutOfBoundsSymlinks`): tools follow symlinks, so one link to `/etc` or to a sibling
 * checkout would leak files into manifests. Dangling links inside the tree are fine.
 */
export async function assertNoEscapingSymlinks(treeRoot: string, maxEntries = 200_000): Promise<void> {
  const root = await realpath(treeRoot);
  const stack = [root];
  let seen = 0;
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (++seen > maxEntries) {
        throw new RenderError(
          'repo-too-large',
          `the repository holds more than ${maxEntries} files; split it or raise the limit`,
        );
      }
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isSymbolicLink()) {
        const link = await readlink(path);
        const target = resolve(dirname(path), link);
        let final = target;
        try {
          final = await realpath(target);
        } catch {
          // dangling: judge by where it points
        }
        if (!isInside(root, final)) {
          const shown = relative(root, path);
          throw new RenderError(
            'symlink-escape',
            `symlink "${shown}" points outside the repository (to "${link}"); replace it with a file or a link inside the repository`,
            'spec.source.path',
          );
        }
      }
    }
  }
}

/** Resolves `spec.source.path` to an existing directory inside the tree. */
export async function resolveAppDir(
  treeRoot: string,
  path: string | undefined,
  field = 'spec.source.path',
): Promise<string> {
  const rel = path && path !== '.' ? path : '.';
  const dir = await resolveInside(treeRoot, treeRoot, rel, field);
  const stat = await lstat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new RenderError(
      'path-not-found',
      `${field} "${rel}" is not a directory in the repository at this revision`,
      field,
    );
  }
  return dir;
}
