import { readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SourceError } from '../source.error';

/** True when `child` is `root` or below it (both absolute, normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
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
        throw new SourceError(
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
          throw new SourceError(
            'symlink-escape',
            `symlink "${shown}" points outside the repository (to "${link}"); replace it with a file or a link inside the repository`,
            'spec.source.path',
          );
        }
      }
    }
  }
}

/** realpath of the path, or of its deepest existing ancestor when it does not exist. */
export async function realpathOfDeepestExisting(path: string): Promise<string> {
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
