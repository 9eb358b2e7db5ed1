/**
 * The actions of one group/kind, laid out as Argo CD's `resource_customizations/<group>/<kind>/actions/`:
 * `discovery.lua` lists the actions an object offers, `<name>/action.lua` runs one.
 */
export interface LuaActionScripts {
  group: string;
  kind: string;
  discovery: string;
  /** Action name -> its `action.lua`. */
  actions: Readonly<Record<string, string>>;
  /** Keep the actions of the scripts given before these for the same kind (Argo CD's `mergeBuiltinActions`). */
  mergeBuiltinActions?: boolean;
}
