import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface WatchedFileOptions {
  /** Collapses bursts of fs events (editors write a file in several steps). Default 100 ms. */
  debounceMs?: number;
}

/** A running watch; `close()` ends it (and any change still waiting out the debounce). */
export interface FileWatch {
  close(): void;
}

/**
 * Calls `onChange` once after `file` changes, however it was changed: written in place, replaced by an
 * editor (a rename, which ends a watch on the file itself), or swapped by a Kubernetes ConfigMap mount
 * (which renames the `..data` symlink of the directory). So the directory is watched, not the file.
 * Undefined when the directory does not exist (nothing to watch). The caller re-reads the file and keeps
 * its last good content when the new one is invalid.
 */
export function watchConfigFile(
  file: string,
  onChange: () => void,
  options: WatchedFileOptions = {},
): FileWatch | undefined {
  const dir = dirname(file);
  if (!existsSync(dir)) return undefined;
  let debounce: NodeJS.Timeout | undefined;
  const watcher = watch(dir, (_event, name) => {
    if (name !== null && name !== basename(file) && name !== '..data') return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(onChange, options.debounceMs ?? 100);
  });
  return {
    close() {
      watcher.close();
      if (debounce) clearTimeout(debounce);
    },
  };
}
