import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LuaHealthScript } from './lua-health-check';

/**
 * Reads Argo CD's resource customizations as they are laid out in its source tree and in users' repos:
 * - `<dir>/<group>/<kind>/health.lua`, e.g. `cert-manager.io/Certificate/health.lua`;
 * - `<dir>/<kind>/health.lua` for the core group, as Argo CD keys it (`Pod/health.lua`); Berth also
 *   reads `<dir>/core/<kind>/health.lua`;
 * - `_` in a directory name is a wildcard, Argo CD's rule: `_.crossplane.io/_/health.lua` serves every
 *   kind of every group ending in `.crossplane.io`, `example.io/_/health.lua` every kind of example.io.
 * Scripts come back in directory order (byte order of the path, as Argo CD walks its embedded tree), the
 * order that decides between two wildcards matching the same kind. The scripts are used as-is.
 */
export async function loadHealthCustomizations(dir: string): Promise<LuaHealthScript[]> {
  const found: Array<LuaHealthScript & { path: string }> = [];
  for (const top of await readdir(dir, { withFileTypes: true })) {
    if (!top.isDirectory()) continue;
    const core = await readScript(join(dir, top.name, 'health.lua'));
    if (core !== undefined) found.push({ group: '', kind: top.name, script: core, path: top.name });
    for (const kind of await readdir(join(dir, top.name), { withFileTypes: true })) {
      if (!kind.isDirectory()) continue;
      const script = await readScript(join(dir, top.name, kind.name, 'health.lua'));
      // A kind with only actions or ignoreDifferences has no health check.
      if (script === undefined) continue;
      found.push({
        group: top.name === 'core' ? '' : top.name,
        kind: kind.name,
        script,
        path: `${top.name}/${kind.name}`,
      });
    }
  }
  return found
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(({ group, kind, script }) => ({ group, kind, script }));
}

async function readScript(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}
