/** Kubernetes object names (DNS-1123), as the API server checks them. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Names of most objects (Applications, AppProjects): <= 253 chars, lowercase alnum, '-' and '.'. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** Namespace names: <= 63 chars, lowercase alnum and '-'. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** A valid name close to `name`, to suggest in an error message ("My_App" -> "my-app"). */
export function suggestDnsName(name: string, allowDots: boolean, maxLength: number): string {
  const invalid = allowDots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g;
  const cleaned = name
    .toLowerCase()
    .replace(invalid, '-')
    .slice(0, maxLength)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return cleaned === '' ? 'my-app' : cleaned;
}
