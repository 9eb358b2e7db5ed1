import { describe, expect, it } from '@jest/globals';
import { isSourceError, type SourceError } from '../source.error';
import { parseChartDependencies } from './chart-dependencies';

function chart(dependencies: string): string {
  return `apiVersion: v2\nname: app\nversion: 1.0.0\n${dependencies}`;
}

function failure(text: string): SourceError {
  try {
    parseChartDependencies(text, 'apps/web/Chart.yaml');
  } catch (err) {
    if (isSourceError(err)) return err;
    throw err;
  }
  throw new Error('expected a SourceError');
}

describe('parseChartDependencies', () => {
  it('reads no dependencies from a chart without them', () => {
    expect(parseChartDependencies(chart(''), 'Chart.yaml')).toEqual([]);
    expect(parseChartDependencies(chart('dependencies: []\n'), 'Chart.yaml')).toEqual([]);
  });

  it('sorts each dependency by where helm gets it, versions kept as written', () => {
    const text = chart(`dependencies:
  - { name: common, version: 0.1.0, repository: "file://../common" }
  - { name: redis, version: 17.10, repository: "https://charts.example.com/stable/" }
  - { name: pg, version: "^12", repository: "@bitnami" }
  - { name: mq, version: "1.x", repository: "alias:internal" }
  - { name: vendored, version: 1.0.0 }
`);
    expect(parseChartDependencies(text, 'Chart.yaml')).toEqual([
      { source: 'file', name: 'common', version: '0.1.0', path: '../common' },
      { source: 'url', name: 'redis', version: '17.10', url: 'https://charts.example.com/stable/' },
      { source: 'registered', name: 'pg', version: '^12', repoName: 'bitnami', repository: '@bitnami' },
      {
        source: 'registered',
        name: 'mq',
        version: '1.x',
        repoName: 'internal',
        repository: 'alias:internal',
      },
      { source: 'vendored', name: 'vendored', version: '1.0.0' },
    ]);
  });

  it.each<[string, string, string]>([
    [
      'an OCI registry',
      '{ name: dep, version: 1.0.0, repository: "oci://registry.example.com/charts" }',
      'OCI registry',
    ],
    [
      'another scheme',
      '{ name: dep, version: 1.0.0, repository: "ssh://git@example.com/charts" }',
      'is not a Helm repository URL',
    ],
    [
      'a name that is not a chart name',
      '{ name: --set, version: 1.0.0, repository: "https://c.example.com" }',
      'is not a chart name',
    ],
    [
      'a repository name helm cannot file',
      '{ name: dep, version: 1.0.0, repository: "@../../etc" }',
      'does not name a Helm repository',
    ],
    [
      'a control character in the version',
      '{ name: dep, version: "1.0\\n--x", repository: "https://c.example.com" }',
      'is not a version',
    ],
  ])('refuses %s', (_what, entry, text) => {
    const err = failure(chart(`dependencies:\n  - ${entry}\n`));
    expect(err.message).toContain(text);
    expect(err.message).toContain('apps/web/Chart.yaml dependencies[0]');
  });

  it('refuses a Chart.yaml whose dependencies is not a list, or that is not YAML', () => {
    expect(failure(chart('dependencies: common\n')).code).toBe('invalid-manifest');
    expect(failure('dependencies: [\n').code).toBe('invalid-manifest');
  });

  it('refuses YAML nested too deep before parsing it', () => {
    expect(failure(`dependencies: ${'['.repeat(600)}`).code).toBe('manifest-too-complex');
  });
});
