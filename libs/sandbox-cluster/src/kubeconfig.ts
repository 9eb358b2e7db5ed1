import { stringify } from 'yaml';

/**
 * Kubeconfig for the sandbox. An http:// server needs `insecure-skip-tls-verify: true`, or
 * @kubernetes/client-node refuses every request ("HTTP protocol is not allowed ...").
 */
export function sandboxKubeconfig(url: string, token: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sandbox', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'sandbox', user: { token } }],
    contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: 'sandbox', namespace } }],
    'current-context': 'sandbox',
    preferences: {},
  });
}
