import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoreSnapshot } from '../store/object-store';

/** Loads a saved snapshot; a missing file means a fresh cluster. */
export async function loadState(path: string): Promise<StoreSnapshot | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as StoreSnapshot;
    if (typeof parsed.resourceVersion !== 'number' || !Array.isArray(parsed.objects)) {
      throw new SandboxStateError(`state file ${path} is not a sandbox snapshot; delete it to start fresh`);
    }
    return parsed;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof SandboxStateError) throw err;
    throw new SandboxStateError(
      `state file ${path} cannot be read (${(err as Error).message}); delete it to start fresh`,
    );
  }
}

/** Writes atomically (temp file + rename) so a crash never leaves a half-written snapshot. */
export async function saveState(path: string, snapshot: StoreSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snapshot));
  await rename(tmp, path);
}

export class SandboxStateError extends Error {
  readonly code = 'SANDBOX_STATE_UNREADABLE';
  constructor(message: string) {
    super(message);
    this.name = 'SandboxStateError';
  }
}
