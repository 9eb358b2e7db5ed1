/**
 * The grammar of every spec value that reaches a helm, kustomize or git command line. The domain
 * validator checks them at create/update time with the field path; the renderer checks them again
 * before it runs a tool (events and older apps may hold values accepted before these rules). A value
 * that does not fit is never passed on: it could be read as a flag (`--set-file=x=/etc/passwd`) or
 * split by the tool's own syntax (`--set-file a=b,c=/etc/passwd`).
 */

/** Helm's ValidateReleaseName: a DNS-1123 subdomain of at most 53 characters. */
export const HELM_RELEASE_NAME_MAX_LENGTH = 53;
const HELM_RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isHelmReleaseName(text: string): boolean {
  return text.length <= HELM_RELEASE_NAME_MAX_LENGTH && HELM_RELEASE_NAME.test(text);
}

/**
 * Chart names as Helm's chart metadata validation accepts them (`^[a-zA-Z0-9._-]+$`), starting with a
 * letter or digit so the name can never be read as a flag or a relative path.
 */
const HELM_CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,249}$/;

export function isHelmChartName(text: string): boolean {
  return HELM_CHART_NAME.test(text) && !text.includes('..');
}

/**
 * A key for `helm --set name=value` / `--set-file name=path`: Helm's strvals splits assignments on
 * "," and a key from its value on "=", so neither may appear in a name (escaped dots `a\.b` and list
 * indexes `a[0]` are fine). Control characters never belong in a key.
 */
// eslint-disable-next-line no-control-regex
const HELM_VALUE_KEY = /^[^=,\u0000-\u001f\u007f]+$/;

export function isHelmValueKey(text: string): boolean {
  return HELM_VALUE_KEY.test(text) && text.trim() === text;
}

/**
 * A file path helm gets in `--values path` or `--set-file name=path`: `--values` is a comma-separated
 * (CSV) list, so "a,/etc/secret.yaml" would read a second, absolute file; strvals splits `--set-file` at
 * "," and unescapes "\\". None of these characters is needed in a file name.
 */
export function isHelmFilePath(text: string): boolean {
  return !/[,\\"]/.test(text);
}

/**
 * Argo CD's cleanSetParameters: a `--set` value's commas are escaped so strvals keeps them in the value
 * instead of starting another assignment; `{a,b}` is Helm's list syntax and is passed as written.
 */
export function escapeHelmSetValue(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value;
  return value.replace(/(?<!\\),/g, '\\,');
}

/** A Kubernetes version for `helm --kube-version`: `1.34`, `v1.34.1`, `1.34.0-eks.1`. */
const KUBE_VERSION = /^v?\d{1,4}\.\d{1,4}(\.\d{1,4})?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function isKubeVersion(text: string): boolean {
  return KUBE_VERSION.test(text);
}

/** An API version for `helm --api-versions`: `v1`, `apps/v1`, `monitoring.coreos.com/v1/ServiceMonitor`. */
const API_VERSION = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-z0-9]+(\/[A-Za-z0-9]+)?$/;

export function isApiVersion(text: string): boolean {
  return text.length <= 317 && API_VERSION.test(text);
}

/**
 * `targetRevision`: a branch, tag, commit, `HEAD` or a semver constraint (`>=1.2.0 <2.0.0`). It is
 * matched against `git ls-remote` output and never passed to git itself; still, a leading "-" (a flag
 * to any tool that might one day take it) and control characters are not part of any of these forms.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isTargetRevision(text: string): boolean {
  return !text.startsWith('-') && !CONTROL.test(text) && text.length <= 255;
}

/** A repoURL is a command-line argument of git and helm: it may not start with "-" nor name a host that does. */
export function isOptionLikeUrl(url: string): boolean {
  const text = url.trim();
  if (text.startsWith('-')) return true;
  const afterScheme = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/@]*@)?(.*)$/i.exec(text)?.[1];
  const scpHost = /^[^/:@]+@(.*)$/.exec(text)?.[1];
  const host = afterScheme ?? scpHost;
  return host !== undefined && host.startsWith('-');
}

/**
 * kustomize namePrefix / nameSuffix: they become part of every object name, so they use the characters
 * of a DNS-1123 name (a prefix may end, a suffix may start, with "-").
 */
const NAME_AFFIX = /^[a-z0-9.-]{1,253}$/;

export function isNameAffix(text: string): boolean {
  return NAME_AFFIX.test(text);
}

/** A label or annotation key: an optional DNS subdomain prefix and "/", then a name of at most 63 characters. */
const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isQualifiedName(text: string): boolean {
  const slash = text.lastIndexOf('/');
  const prefix = slash >= 0 ? text.slice(0, slash) : undefined;
  const name = slash >= 0 ? text.slice(slash + 1) : text;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** A label value: empty, or at most 63 letters, digits, "-", "_", "." starting and ending alphanumeric. */
export function isLabelValue(text: string): boolean {
  return text === '' || (text.length <= 63 && QUALIFIED_NAME.test(text));
}

/** A kustomize version name (Argo CD picks a binary by it): `v5.7.1`. */
const TOOL_VERSION = /^v?[0-9A-Za-z][0-9A-Za-z.+-]{0,62}$/;

export function isToolVersion(text: string): boolean {
  return TOOL_VERSION.test(text);
}

/**
 * A Jsonnet `extVars` / `tlas` name: an identifier (a top-level argument is a function parameter). It
 * reaches jsonnet as `--ext-str-file <name>=<file>`, which splits at the first "=": none may appear in it.
 */
const JSONNET_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export function isJsonnetIdentifier(text: string): boolean {
  return JSONNET_IDENTIFIER.test(text);
}
