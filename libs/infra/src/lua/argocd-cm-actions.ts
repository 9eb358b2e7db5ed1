import { DomainError } from '@berth/domain';
import { documentToJS, parseAllDocumentsBounded } from '../yaml/bounded-yaml';
import type { LuaActionScripts } from './lua-action-scripts';

const KEY_PREFIX = 'resource.customizations.actions.';
const ACTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * Argo CD's argocd-cm resource action keys (`resource.customizations.actions.<group>_<kind>`, the core
 * group's kinds keyed by the kind alone), each a YAML text:
 *
 * ```yaml
 * discovery.lua: |
 *   return {restart = {}}
 * definitions:
 *   - name: restart
 *     action.lua: |
 *       ...
 * mergeBuiltinActions: true   # keep the built-in actions of the kind beside these
 * ```
 *
 * A key that cannot be read is a 409 naming it when an action of any kind is asked for: Argo CD fails the
 * same request with the YAML error.
 */
export function actionCustomizationsOfArgoCm(data: Readonly<Record<string, unknown>>): LuaActionScripts[] {
  const found: LuaActionScripts[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!key.startsWith(KEY_PREFIX)) continue;
    const groupKind = key.slice(KEY_PREFIX.length);
    const bad = (message: string): never => {
      throw new DomainError('Conflict', `argocd-cm ${key}: ${message}`);
    };
    const underscore = groupKind.lastIndexOf('_');
    const group = underscore < 0 ? '' : groupKind.slice(0, underscore);
    const kind = underscore < 0 ? groupKind : groupKind.slice(underscore + 1);
    if (!kind) bad('names no kind; use resource.customizations.actions.<group>_<kind>');
    if (typeof value !== 'string') return bad('must be a YAML text');
    const docs = parseAllDocumentsBounded(value);
    const first = docs[0];
    if (docs.length !== 1 || !first || first.errors.length > 0)
      bad(`is not one YAML document${first?.errors[0] ? `: ${first.errors[0].message}` : ''}`);
    const spec = documentToJS(first!) as Record<string, unknown> | null;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec))
      return bad('must be a map with discovery.lua');
    const discovery = spec['discovery.lua'];
    if (typeof discovery !== 'string') return bad('discovery.lua is missing');
    const actions: Record<string, string> = {};
    const definitions = spec['definitions'] ?? [];
    if (!Array.isArray(definitions)) return bad('definitions must be a list');
    for (const [i, d] of definitions.entries()) {
      const { name, 'action.lua': script } = (d ?? {}) as { name?: unknown; 'action.lua'?: unknown };
      if (typeof name !== 'string' || !ACTION_NAME.test(name))
        bad(`definitions[${i}].name must be an action name such as "restart"`);
      if (typeof script !== 'string') bad(`definitions[${i}] has no action.lua`);
      actions[name as string] = script as string;
    }
    found.push({
      group,
      kind,
      discovery,
      actions,
      mergeBuiltinActions: spec['mergeBuiltinActions'] === true,
    });
  }
  return found;
}
