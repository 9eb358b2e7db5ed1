import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LuaActionScripts } from './lua-action-scripts';

/** An action's name as a directory: what Argo CD's own action directories are called (`promote-full`). */
const ACTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * Reads Argo CD's resource actions as laid out in its source tree (the directory the health checks come
 * from, BERTH_RESOURCE_CUSTOMIZATIONS_DIR):
 * - `<dir>/<group>/<kind>/actions/discovery.lua` and `<dir>/<group>/<kind>/actions/<action>/action.lua`;
 * - core kinds at `<dir>/<kind>/actions/...` (Argo CD's key) or `<dir>/core/<kind>/actions/...`.
 * A kind without a `discovery.lua` has no actions here. Wildcard directories (`_`) serve health checks
 * only: Argo CD looks actions up by the exact group and kind.
 */
export async function loadActionCustomizations(dir: string): Promise<LuaActionScripts[]> {
  const found: LuaActionScripts[] = [];
  for (const top of await readdir(dir, { withFileTypes: true })) {
    if (!top.isDirectory() || top.name.includes('_')) continue;
    const core = await readActions(join(dir, top.name, 'actions'), '', top.name);
    if (core) found.push(core);
    for (const kind of await readdir(join(dir, top.name), { withFileTypes: true })) {
      if (!kind.isDirectory() || kind.name === 'actions' || kind.name.includes('_')) continue;
      const group = top.name === 'core' ? '' : top.name;
      const scripts = await readActions(join(dir, top.name, kind.name, 'actions'), group, kind.name);
      if (scripts) found.push(scripts);
    }
  }
  return found;
}

async function readActions(dir: string, group: string, kind: string): Promise<LuaActionScripts | undefined> {
  const discovery = await readScript(join(dir, 'discovery.lua'));
  if (discovery === undefined) return undefined;
  const actions: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !ACTION_NAME.test(entry.name)) continue;
    const script = await readScript(join(dir, entry.name, 'action.lua'));
    if (script !== undefined) actions[entry.name] = script;
  }
  return { group, kind, discovery, actions };
}

async function readScript(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}
