import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ApiStatusError, statusErrors } from '../errors/api-status.error';
import { clone } from '../store/object-utils';

const maxOperations = 10000;

/** RFC 6902 JSON patch. A non-array body is 400; a failing operation is 422, as handlers/patch.go does. */
export function applyJsonPatch(
  target: unknown,
  patch: unknown,
  kind: string,
  group: string,
  name: string,
): unknown {
  if (!Array.isArray(patch)) {
    throw statusErrors.badRequest(
      'error decoding patch: json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  }
  if (patch.length > maxOperations) {
    throw statusErrors.badRequest(
      `The allowed maximum operations in a JSON patch is ${maxOperations}, got ${patch.length}`,
    );
  }
  try {
    return fastJsonPatch.applyPatch(clone(target), patch as Operation[], true, false).newDocument;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    throw new ApiStatusError(
      422,
      'Invalid',
      `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${message}`,
      {
        name,
        group,
        kind,
        causes: [{ reason: 'FieldValueInvalid', message }],
      },
    );
  }
}
