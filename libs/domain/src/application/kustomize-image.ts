/**
 * Kustomize image overrides as Argo CD passes them to `kustomize edit set image`:
 * `name=newName:tag`, `name=newName@sha256:...`, `name=newName`, `name:tag`, `name@sha256:...`.
 */
const IMAGE_NAME =
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/i;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/i;

export interface KustomizeImageOverride {
  /** The image name in the manifests. */
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

function parseReference(text: string): ImageReference | undefined {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  // A colon before the last '/' is a registry port, not a tag.
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) return undefined;
  }
  if (!IMAGE_NAME.test(rest)) return undefined;
  return { name: rest, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Parses an override, or returns undefined when it is not one of the accepted forms. */
export function parseKustomizeImage(text: string): KustomizeImageOverride | undefined {
  if (text.trim() !== text || text === '') return undefined;
  const parts = text.split('=');
  if (parts.length > 2) return undefined;
  if (parts.length === 2) {
    const [name = '', replacement = ''] = parts;
    if (!IMAGE_NAME.test(name)) return undefined;
    const reference = parseReference(replacement);
    if (reference === undefined) return undefined;
    return {
      name,
      newName: reference.name,
      ...(reference.tag === undefined ? {} : { newTag: reference.tag }),
      ...(reference.digest === undefined ? {} : { digest: reference.digest }),
    };
  }
  const reference = parseReference(text);
  // A bare name changes nothing: it needs a tag or a digest.
  if (reference === undefined || (reference.tag === undefined && reference.digest === undefined))
    return undefined;
  return {
    name: reference.name,
    ...(reference.tag === undefined ? {} : { newTag: reference.tag }),
    ...(reference.digest === undefined ? {} : { digest: reference.digest }),
  };
}
