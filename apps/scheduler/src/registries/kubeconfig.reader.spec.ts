import { describe, expect, it } from '@jest/globals';
import { ValidationFailedError } from '@berth/domain';
import { stringify } from 'yaml';
import { readKubeconfig, serverUrlProblem } from './kubeconfig.reader';

const config = (user: Record<string, unknown>, cluster: Record<string, unknown> = {}) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443/', ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'apps' } }],
    'current-context': 'ctx',
  });

function issuesOf(text: string) {
  try {
    readKubeconfig(text);
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.issues;
    throw error;
  }
  throw new Error('expected the kubeconfig to be refused');
}

describe('readKubeconfig', () => {
  it('keeps the current context, its cluster and user, and lists the credentials to scrub', () => {
    const read = readKubeconfig(
      config({ token: 'tok-123456', 'client-key-data': 'S0VZ', 'client-certificate-data': 'Q0VSVA==' }),
    );
    expect(read.server).toBe('https://10.0.0.1:6443');
    expect(read.secrets).toEqual(['tok-123456', 'S0VZ']);
    expect(JSON.parse(read.text)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'cluster', cluster: { server: 'https://10.0.0.1:6443/' } }],
      users: [
        {
          name: 'user',
          user: { token: 'tok-123456', 'client-key-data': 'S0VZ', 'client-certificate-data': 'Q0VSVA==' },
        },
      ],
      contexts: [{ name: 'context', context: { cluster: 'cluster', user: 'user', namespace: 'apps' } }],
      'current-context': 'context',
    });
  });

  it.each([
    ['users[0].user.exec', config({ exec: { command: 'sh' } })],
    ['users[0].user.auth-provider', config({ 'auth-provider': { name: 'gcp' } })],
    ['users[0].user.token-file', config({ 'token-file': '/var/run/secrets/token' })],
    ['users[0].user.client-key', config({ 'client-key': '/etc/key' })],
    [
      'clusters[0].cluster.certificate-authority',
      config({ token: 't' }, { 'certificate-authority': '/etc/ca' }),
    ],
    ['clusters[0].cluster.proxy-url', config({ token: 't' }, { 'proxy-url': 'http://proxy:3128' })],
    ['users[0].user.as', config({ token: 't', as: 'admin' })],
  ])('refuses %s by field path', (field, text) => {
    expect(issuesOf(text).map((i) => i.path)).toEqual([`kubeconfig.${field}`]);
  });

  it('reports a YAML error by position only, never quoting the text around it', () => {
    const issues = issuesOf('users:\n- name: u\n  user:\n    token: s3cr3t-token\n   bad: indent\n');
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'kubeconfig',
        message: expect.stringMatching(/^is not valid YAML at line \d+, column \d+ \(\w+\)$/),
      }),
    ]);
    expect(JSON.stringify(issues)).not.toContain('s3cr3t');
  });

  it('names a missing current context, cluster or user entry', () => {
    expect(issuesOf(stringify({ clusters: [] })).map((i) => i.path)).toEqual(['kubeconfig.current-context']);
    const noCluster = stringify({
      contexts: [{ name: 'x', context: { cluster: 'gone', user: 'u' } }],
      'current-context': 'x',
      users: [{ name: 'u', user: {} }],
    });
    expect(issuesOf(noCluster).map((i) => i.path)).toEqual(['kubeconfig.clusters']);
  });
});

describe('serverUrlProblem', () => {
  it.each([
    ['https://10.0.0.1:6443', undefined],
    ['https://rancher.example.com/k8s/clusters/c-1', undefined],
    ['ftp://10.0.0.1', 'must be the API server URL, e.g. https://10.0.0.1:6443'],
    [
      'https://admin:pw@10.0.0.1',
      'must not hold credentials; send a token (bearerToken, or token in the kubeconfig user)',
    ],
  ])('%s', (server, problem) => {
    expect(serverUrlProblem(server)).toBe(problem);
  });
});
