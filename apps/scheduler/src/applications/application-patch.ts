import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ValidationFailedError, type ArgoApplication } from '@berth/domain';
import { parseJsonBounded } from '@berth/infra';
import { unsafeValueIssues } from '../http/storable-value';

/** More operations than any edit of one Application needs: a bound on the work one request can ask for. */
const MAX_OPERATIONS = 1000;

/**
 * Applies Argo CD's ApplicationPatchRequest `patch` to an Application: `json` (RFC 6902) or `merge`
 * (RFC 7386), as its server's Patch (evanphx/json-patch). A patch that is not JSON, or an operation that
 * cannot apply (a `test` that fails, a path that is not there), is a 400 naming `patch`.
 */
export function applyApplicationPatch(
  application: ArgoApplication,
  patchText: string,
  patchType: string,
): ArgoApplication {
  let patch: unknown;
  try {
    patch = parseJsonBounded(patchText);
  } catch (error) {
    throw patchIssue(`is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  // `__proto__` and friends never reach the object being patched.
  const unsafe = unsafeValueIssues(patch);
  if (unsafe.length > 0)
    throw new ValidationFailedError(
      'Patch request',
      undefined,
      unsafe.map((i) => ({ ...i, path: `patch${i.path ? `.${i.path}` : ''}` })),
    );
  if (patchType === 'merge') return mergePatch(application, patch) as ArgoApplication;
  if (!Array.isArray(patch))
    throw patchIssue(
      'is not a JSON patch: expected a list of operations, e.g. [{"op":"replace","path":"/spec/project","value":"team-a"}]',
    );
  if (patch.length > MAX_OPERATIONS)
    throw patchIssue(`has ${patch.length} operations; at most ${MAX_OPERATIONS}`);
  try {
    const copy = structuredClone(application);
    return fastJsonPatch.applyPatch(copy, patch as Operation[], true, true, true).newDocument;
  } catch (error) {
    // Whatever applying it throws is the patch's doing (fast-json-patch also throws TypeErrors, e.g. for a
    // move of a value into itself): a 400 naming `patch`, never a 500.
    const index = error instanceof fastJsonPatch.JsonPatchError ? (error.index ?? 0) : undefined;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw patchIssue(
      index === undefined ? `cannot apply: ${reason}` : `operation ${index} cannot apply: ${reason}`,
    );
  }
}

/** RFC 7386: objects merge recursively, null removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    // Only own properties merge: `constructor` or `toString` in a patch never reads what an object inherits.
    else out[key] = mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function patchIssue(message: string): ValidationFailedError {
  return new ValidationFailedError('Patch request', undefined, [
    {
      path: 'patch',
      message,
      fix: 'a JSON patch (patchType json) or a JSON merge patch (patchType merge) as a string',
    },
  ]);
}
