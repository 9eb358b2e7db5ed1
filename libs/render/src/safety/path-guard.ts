import { isInside, realpathOfDeepestExisting } from '@berth/sources';
import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { RenderError } from '../render.error';

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
