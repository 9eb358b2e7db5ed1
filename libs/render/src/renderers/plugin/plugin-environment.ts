import type { ApplicationSourcePlugin, PluginParameter } from '@berth/domain';
import { toGoJson } from '@berth/golang';
import { envsubst, type BuildEnvEntry } from '../build-environment';

/** Argo CD's `escaped`: upper case, anything but A-Z, 0-9 and `_` becomes `_`. */
function escaped(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/**
 * `ARGOCD_APP_PARAMETERS` as Argo CD marshals the parameters (Go's encoding/json of its
 * MarshalJSON: sorted keys, HTML-safe escaping; `null` when there are none).
 */
export function pluginParametersJson(parameters: readonly PluginParameter[] | undefined): string {
  if (!parameters || parameters.length === 0) return 'null';
  const list = parameters.map((parameter) => ({
    name: parameter.name,
    ...(parameter.string !== undefined ? { string: parameter.string } : {}),
    ...(parameter.map !== undefined ? { map: parameter.map } : {}),
    ...(parameter.array !== undefined ? { array: parameter.array } : {}),
  }));
  return toGoJson(list, { escapeHtml: true });
}

/**
 * The environment of a plugin's commands, as Argo CD builds it: the build environment, the
 * Application's `plugin.env` as `ARGOCD_ENV_<name>` (values with the build environment substituted, so
 * an app cannot set PATH or anything else of the plugin's own), then the parameters: all of them as
 * JSON in `ARGOCD_APP_PARAMETERS`, and each as `PARAM_<NAME>`, `PARAM_<NAME>_<i>` (arrays) or
 * `PARAM_<NAME>_<KEY>` (maps). Later entries win, as with Go's exec.
 */
export function pluginEnvironment(
  env: readonly BuildEnvEntry[],
  plugin: ApplicationSourcePlugin | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of env) out[entry.name] = entry.value;
  for (const entry of plugin?.env ?? []) out[`ARGOCD_ENV_${entry.name}`] = envsubst(env, entry.value ?? '');
  out.ARGOCD_APP_PARAMETERS = pluginParametersJson(plugin?.parameters);
  for (const parameter of plugin?.parameters ?? []) {
    const base = `PARAM_${escaped(parameter.name)}`;
    if (parameter.string !== undefined) out[base] = parameter.string;
    for (const [key, value] of Object.entries(parameter.map ?? {})) out[`${base}_${escaped(key)}`] = value;
    for (const [i, value] of (parameter.array ?? []).entries()) out[`${base}_${i}`] = value;
  }
  return out;
}
