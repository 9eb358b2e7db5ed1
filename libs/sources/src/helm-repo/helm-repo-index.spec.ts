import { describe, expect, it } from '@jest/globals';
import { isSourceError, type SourceError } from '../source.error';
import { parseHelmRepoIndex, resolveChartVersion } from './helm-repo-index';

const INDEX = `apiVersion: v1
entries:
  nginx:
    - { name: nginx, version: 1.0.0, urls: [nginx-1.0.0.tgz], digest: aaa }
    - { name: nginx, version: 1.2.0, urls: [nginx-1.2.0.tgz] }
    - { name: nginx, version: 1.2.7, urls: [nginx-1.2.7.tgz] }
    - { name: nginx, version: 1.10.1, urls: [nginx-1.10.1.tgz] }
    - { name: nginx, version: 2.0.0-rc.1, urls: [nginx-2.0.0-rc.1.tgz] }
    - { name: nginx, version: v3.0.0, urls: [https://cdn.example.com/nginx-v3.0.0.tgz] }
  redis:
    - { name: redis, version: 17.3.0, urls: [redis-17.3.0.tgz] }
  empty: []
generated: "2026-01-01T00:00:00Z"
`;
const index = parseHelmRepoIndex(INDEX, 'https://charts.example.com');

function failure(fn: () => unknown): SourceError {
  try {
    fn();
  } catch (err) {
    if (isSourceError(err)) return err;
    throw err;
  }
  throw new Error('expected a SourceError');
}

describe('resolveChartVersion', () => {
  const cases: [string, string | undefined, string][] = [
    ['an exact version', '1.2.0', '1.2.0'],
    ['an exact version with a v prefix', 'v1.2.0', '1.2.0'],
    ['a version listed with a v prefix', '3.0.0', 'v3.0.0'],
    ['a wildcard patch', '1.2.*', '1.2.7'],
    ['an x-range', '1.x', '1.10.1'],
    ['a caret range', '^1.2.0', '1.10.1'],
    ['a tilde range', '~1.2.0', '1.2.7'],
    ['a bounded range', '>=1.0.0 <1.2.5', '1.2.0'],
    ['a range ignoring pre-releases', '>=1.0.0 <3.0.0', '1.10.1'],
    ['a range naming a pre-release', '>=2.0.0-rc.0 <3.0.0', '2.0.0-rc.1'],
    ['an exact pre-release', '2.0.0-rc.1', '2.0.0-rc.1'],
    ['empty: the latest stable version', '', 'v3.0.0'],
    ['undefined: the latest stable version', undefined, 'v3.0.0'],
    ['a star: the latest stable version', '*', 'v3.0.0'],
  ];
  it.each(cases)('resolves %s (%s -> %s)', (_name, targetRevision, expected) => {
    expect(resolveChartVersion(index, 'nginx', targetRevision).version).toBe(expected);
  });

  it('keeps the index entry: urls and digest', () => {
    expect(resolveChartVersion(index, 'nginx', '1.0.0')).toEqual({
      name: 'nginx',
      version: '1.0.0',
      urls: ['nginx-1.0.0.tgz'],
      digest: 'aaa',
    });
  });

  it('names spec.source.targetRevision and lists the versions, newest first, when none matches', () => {
    const err = failure(() => resolveChartVersion(index, 'nginx', '1.3.*'));
    expect(err.code).toBe('revision-not-found');
    expect(err.field).toBe('spec.source.targetRevision');
    expect(err.message).toContain('"1.3.*" matches no version of chart "nginx"');
    expect(err.message).toContain('available versions: v3.0.0, 2.0.0-rc.1, 1.10.1, 1.2.7, 1.2.0, 1.0.0');
  });

  it('says when targetRevision is not a version at all (a branch name on a Helm source)', () => {
    const err = failure(() => resolveChartVersion(index, 'redis', 'main'));
    expect(err.code).toBe('revision-not-found');
    expect(err.message).toMatch(
      /"main" is neither a version nor a semver constraint.*available versions: 17\.3\.0/,
    );
  });

  it.each([['nginxx'], ['empty']])(
    'names spec.source.chart and lists the charts for unknown chart %s',
    (chart) => {
      const err = failure(() => resolveChartVersion(index, chart, '1.0.0'));
      expect(err.code).toBe('not-found');
      expect(err.field).toBe('spec.source.chart');
      expect(err.message).toContain(`"${chart}" is not in the Helm repository`);
      expect(err.message).toContain('empty, nginx, redis');
    },
  );

  it('shortens a long version list', () => {
    const many = parseHelmRepoIndex(
      JSON.stringify({ entries: { app: Array.from({ length: 30 }, (_, i) => ({ version: `1.0.${i}` })) } }),
      'https://x',
    );
    const err = failure(() => resolveChartVersion(many, 'app', '9.*'));
    expect(err.message).toContain('1.0.29, 1.0.28');
    expect(err.message).toContain('and 10 more');
    expect(err.message).not.toContain('1.0.9,');
  });
});

describe('parseHelmRepoIndex', () => {
  it.each([
    ['not YAML', 'entries: [unclosed', 'not valid YAML'],
    ['an HTML page', '<html>login</html>', 'no chart entries'],
    ['a document without entries', 'apiVersion: v1\n', 'no chart entries'],
  ])('refuses %s as a Helm repository', (_name, text, message) => {
    const err = failure(() => parseHelmRepoIndex(text, 'https://charts.example.com'));
    expect(err.code).toBe('not-found');
    expect(err.field).toBe('spec.source.repoURL');
    expect(err.message).toContain(message);
  });

  it('reads versions that look like numbers as written', () => {
    const parsed = parseHelmRepoIndex('entries:\n  a:\n    - version: 1.10\n', 'https://x');
    expect(parsed.entries.get('a')?.[0]?.version).toBe('1.10');
  });
});
