import { realpath, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { isInside } from '@berth/sources';
import { CliError } from '../http/cli-error';

/** Where `app diff --local` renders from: the repository root the render is confined to, and DIR in it. */
export interface LocalDirectory {
  /** `--local-repo-root` (default DIR itself), resolved: nothing outside it is read. */
  root: string;
  /** DIR, resolved. */
  dir: string;
  /** DIR relative to the root (`.` when they are the same): the source's path in this "repository". */
  path: string;
}

/**
 * Checks `--local DIR` and `--local-repo-root ROOT` before anything is asked of the server: both exist and
 * are directories, and DIR is inside ROOT (symlinks resolved). Argo CD's --local-repo-root defaults to `/`;
 * Berth's to DIR, so that a render reads only the directory given (helm value files, kustomize bases and
 * symlinks that leave it are refused, as the worker refuses what leaves a repository): pass the checkout's
 * root when DIR uses files beside it.
 */
export async function localDirectory(dir: string, repoRoot: string | undefined): Promise<LocalDirectory> {
  const realDir = await existingDirectory(dir, '--local');
  const root = repoRoot === undefined ? realDir : await existingDirectory(repoRoot, '--local-repo-root');
  if (!isInside(root, realDir))
    throw new CliError([
      `--local ${dir} is not inside --local-repo-root ${repoRoot}: give the root of the checkout DIR is in`,
    ]);
  return { root, dir: realDir, path: relative(root, realDir) || '.' };
}

async function existingDirectory(path: string, flag: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new CliError([`${flag} ${path}: no such directory (resolved: ${resolve(path)}); check the path`]);
  if (!info.isDirectory())
    throw new CliError([`${flag} ${path}: not a directory; give the directory that holds the manifests`]);
  return realpath(path);
}
