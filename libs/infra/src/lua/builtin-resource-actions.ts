import type { LuaActionScripts } from './lua-action-scripts';

/*
 * The actions Argo CD bundles that people run most, as Argo CD writes them
 * (resource_customizations/apps/<Kind>/actions/ in argoproj/argo-cd, Apache-2.0): `restart` sets the pod
 * template's `kubectl.kubernetes.io/restartedAt` annotation (what `kubectl rollout restart` sets), `pause`
 * and `resume` set and clear a Deployment's `spec.paused`. Run by the same Lua engine as customizations.
 */

const RESTART = `local os = require("os")
if obj.spec.template.metadata == nil then
    obj.spec.template.metadata = {}
end
if obj.spec.template.metadata.annotations == nil then
    obj.spec.template.metadata.annotations = {}
end
obj.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] = os.date("!%Y-%m-%dT%XZ")
return obj
`;

/** Argo CD's Deployment discovery: restart always; pause unless paused, resume only when paused. */
const DEPLOYMENT_DISCOVERY = `local actions = {}
actions["restart"] = {}
local paused = false
if obj.spec.paused ~= nil then
    paused = obj.spec.paused
end
actions["pause"] = {["disabled"] = paused}
actions["resume"] = {["disabled"] = not(paused)}
return actions
`;

const RESTART_ONLY_DISCOVERY = `local actions = {}
actions["restart"] = {}
return actions
`;

export const BUILTIN_RESOURCE_ACTIONS: readonly LuaActionScripts[] = [
  {
    group: 'apps',
    kind: 'Deployment',
    discovery: DEPLOYMENT_DISCOVERY,
    actions: {
      restart: RESTART,
      pause: 'obj.spec.paused = true\nreturn obj\n',
      resume: 'obj.spec.paused = nil\nreturn obj\n',
    },
  },
  { group: 'apps', kind: 'StatefulSet', discovery: RESTART_ONLY_DISCOVERY, actions: { restart: RESTART } },
  { group: 'apps', kind: 'DaemonSet', discovery: RESTART_ONLY_DISCOVERY, actions: { restart: RESTART } },
];
