import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** A running watch of one config file; `close` stops it and drops a pending call. */
export interface ConfigFileWatch {
  close(): void;
}

/**
 * Calls `onChange` when a config file may have changed (created, written, replaced or removed), once per
 * burst of file-system events: editors write a file in several steps.
 *
 * It watches the directory, not the file: editors and Kubernetes ConfigMap mounts replace the file (a rename,
 * or the swap of the mount's `..data` symlink), which ends a watch on the file itself. Returns undefined when
 * the directory does not exist (nothing can appear there without a restart of the mount).
 */
export function watchConfigFile(
  file: string,
  onChange: () => void,
  debounceMs = 100,
): ConfigFileWatch | undefined {
  const dir = dirname(file);
  if (!existsSync(dir)) return undefined;
  let pending: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dir, (_event, name) => {
    if (name !== null && name !== basename(file) && name !== '..data') return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      onChange();
    }, debounceMs);
  });
  return {
    close() {
      watcher.close();
      if (pending) clearTimeout(pending);
      pending = undefined;
    },
  };
}
