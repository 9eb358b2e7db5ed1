import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LuaHealthScript } from './lua-health-check';

/**
 * Reads Argo CD's resource customizations as they are laid out in its source tree and in
 * users' repos: `<dir>/<group>/<kind>/health.lua` (e.g. `cert-manager.io/Certificate/health.lua`,
 * or Argo's wildcard group `_.crossplane.io`). The scripts are used as-is.
 */
export async function loadHealthCustomizations(dir: string): Promise<LuaHealthScript[]> {
  const scripts: LuaHealthScript[] = [];
  for (const group of await readdir(dir, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const kind of await readdir(join(dir, group.name), { withFileTypes: true })) {
      if (!kind.isDirectory()) continue;
      const file = join(dir, group.name, kind.name, 'health.lua');
      let script: string;
      try {
        script = await readFile(file, 'utf8');
      } catch {
        continue; // a kind with only actions or ignoreDifferences, no health check
      }
      scripts.push({
        group: group.name === 'core' || group.name === '_' ? '' : group.name,
        kind: kind.name,
        script,
      });
    }
  }
  return scripts.sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`));
}
