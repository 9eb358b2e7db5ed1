import { randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { diskError, diskErrorOf } from './disk-error';

export type DataDirWritability = { ok: true } | { ok: false; message: string };

/** A probe answers within this by default: readiness answers within 2 s (docs/dependency-failures.md). */
export const DATA_DIR_PROBE_TIMEOUT_MS = 1_000;

/**
 * Whether Berth can write under `path` now: creates it if missing, then creates, writes one byte to and
 * removes a probe file in it. Bounded in time: a disk that does not answer (a hung network volume) is
 * reported after `timeoutMs` (the probe itself cannot be cancelled and ends when the kernel lets it).
 * `message` names the path, the errno and the fix. For readiness, and for telling a failed git or helm
 * run on a full or read-only disk from one the remote caused.
 */
export async function dataDirWritable(
  path: string,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<DataDirWritability> {
  const what = options.what ?? 'data dir';
  const timeoutMs = options.timeoutMs ?? DATA_DIR_PROBE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<DataDirWritability>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          message: diskError(what, path, 'ETIMEDOUT', `a write did not finish within ${timeoutMs} ms`)
            .message,
        }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([probe(path, what), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(path: string, what: string): Promise<DataDirWritability> {
  const file = join(path, `.berth-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(path, { recursive: true });
    const handle = await open(file, 'wx');
    try {
      await handle.write('x');
    } finally {
      await handle.close();
    }
    await unlink(file);
    return { ok: true };
  } catch (err) {
    await unlink(file).catch(() => undefined);
    const problem = diskErrorOf(err, what, path);
    return { ok: false, message: problem?.message ?? `cannot write the ${what} at ${path}: ${String(err)}` };
  }
}
