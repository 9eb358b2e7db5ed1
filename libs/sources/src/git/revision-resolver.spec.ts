import { describe, expect, it } from '@jest/globals';
import { isVersionConstraint, parseLsRemote, resolveRevisionFromRefs } from './revision-resolver';

const sha = (c: string) => c.repeat(40);
const remote = parseLsRemote(
  [
    'ref: refs/heads/main\tHEAD',
    `${sha('a')}\tHEAD`,
    `${sha('a')}\trefs/heads/main`,
    `${sha('b')}\trefs/heads/release-1.x`,
    `${sha('c')}\trefs/tags/v1.0.0`,
    `${sha('9')}\trefs/tags/v1.1.0`,
    `${sha('d')}\trefs/tags/v1.1.0^{}`,
    `${sha('e')}\trefs/tags/1.2.3`,
    `${sha('f')}\trefs/tags/v2.0.0-rc.1`,
    `${sha('1')}\trefs/tags/not-a-version`,
  ].join('\n'),
);

describe('resolveRevisionFromRefs', () => {
  const table: [string, string | undefined, unknown][] = [
    ['empty -> default branch', undefined, { sha: sha('a'), ref: 'refs/heads/main' }],
    ['HEAD -> default branch', 'HEAD', { sha: sha('a'), ref: 'refs/heads/main' }],
    ['branch short name', 'release-1.x', { sha: sha('b'), ref: 'refs/heads/release-1.x' }],
    ['full ref name', 'refs/heads/main', { sha: sha('a'), ref: 'refs/heads/main' }],
    ['annotated tag resolves to the peeled commit', 'v1.1.0', { sha: sha('d'), ref: 'refs/tags/v1.1.0' }],
    ['exact version is a tag name, not a constraint', '1.2.3', { sha: sha('e'), ref: 'refs/tags/1.2.3' }],
    ['wildcard', '1.1.*', { sha: sha('d'), ref: 'refs/tags/v1.1.0' }],
    ['caret takes the highest and skips prereleases', '^1.0', { sha: sha('e'), ref: 'refs/tags/1.2.3' }],
    ['range', '>=1.0.0 <1.1.0', { sha: sha('c'), ref: 'refs/tags/v1.0.0' }],
    ['prerelease when asked for', '>=2.0.0-rc.0', { sha: sha('f'), ref: 'refs/tags/v2.0.0-rc.1' }],
    ['full SHA is itself', sha('7'), { sha: sha('7'), ref: sha('7') }],
    ['short SHA needs the objects', 'abc1234', { shortSha: 'abc1234' }],
  ];
  it.each(table)('%s', (_name, revision, expected) => {
    expect(resolveRevisionFromRefs(remote, revision)).toEqual(expected);
  });

  it.each([['no-such-branch'], ['^9.0']])('refuses %s naming targetRevision', (revision) => {
    expect(() => resolveRevisionFromRefs(remote, revision)).toThrow(
      expect.objectContaining({ code: 'revision-not-found', field: 'spec.source.targetRevision' }),
    );
  });

  it('says which constraint matched no tag', () => {
    expect(() => resolveRevisionFromRefs(remote, '^9.0')).toThrow(
      /no tag among 5 satisfies the version constraint "\^9.0"/,
    );
  });
});

describe('isVersionConstraint', () => {
  it.each([
    ['1.2.*', true],
    ['^1.2', true],
    ['>=1.2.0 <2.0.0', true],
    ['~1.2', true],
    ['1.2.3', false],
    ['v1.2.3', false],
    ['1.2', false],
    ['main', false],
    ['feature/x', false],
    ['', false],
    ['HEAD', false],
  ])('%s -> %s', (revision, expected) => {
    expect(isVersionConstraint(revision)).toBe(expected);
  });
});
