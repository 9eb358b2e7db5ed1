import { SourceError } from '../source.error';

/**
 * The `disk-error` SourceError an fs failure means, or undefined when `err` is not one (a lock held by
 * another process, a git or helm failure). Any errno of a system call counts, EACCES, EPERM, EROFS,
 * ENOSPC and EDQUOT first among them: none of them passes by waiting, so none is retried as if the disk
 * were busy. The message names what was written, the path and the errno, since the fix is an operator's
 * (a volume mounted read-only, a full disk, a changed owner), not the Application's.
 */
export function diskErrorOf(err: unknown, what: string, path: string): SourceError | undefined {
  // Duck-typed: an fs error made in another realm (Jest's VM contexts) is no `instanceof Error` here.
  if (typeof err !== 'object' || err === null) return undefined;
  const fsError = err as Partial<NodeJS.ErrnoException>;
  if (typeof fsError.code !== 'string' || typeof fsError.syscall !== 'string') return undefined;
  return diskError(what, path, fsError.code, describe(fsError.message ?? fsError.code), err);
}

export function diskError(
  what: string,
  path: string,
  code: string,
  description: string,
  cause?: unknown,
): SourceError {
  return new SourceError(
    'disk-error',
    `cannot write the ${what} at ${path}: ${code} (${description}); make it writable for Berth ` +
      '(it lives in the data dir, BERTH_DATA_DIR): the next refresh picks up again by itself',
    undefined,
    { cause },
  );
}

/**
 * Runs one write to the local disk (mkdir, mkdtemp, writeFile, rename ...), turning an fs failure into
 * its `disk-error` (diskErrorOf).
 */
export async function writingTo<T>(what: string, path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw diskErrorOf(err, what, path) ?? err;
  }
}

/** `EROFS: read-only file system, mkdir '/x'` -> `read-only file system`. */
function describe(message: string): string {
  return /^[A-Z0-9]+: ([^,]+)/.exec(message)?.[1] ?? message;
}
