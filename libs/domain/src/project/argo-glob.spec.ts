import { describe, expect, it } from '@jest/globals';
import { globMatch, globToRegExp } from './argo-glob';

describe('globMatch', () => {
  it.each<[string, string, string | undefined, boolean]>([
    ['*', 'anything/at/all', undefined, true],
    ['team-*', 'team-a', undefined, true],
    ['team-*', 'teams', undefined, false],
    ['https://github.com/example/*', 'https://github.com/example/repo', '/', true],
    ['https://github.com/example/*', 'https://github.com/example/group/repo', '/', false],
    ['https://github.com/example/**', 'https://github.com/example/group/repo', '/', true],
    ['https://github.com/example/*', 'https://github.com/example/group/repo', undefined, true],
    ['prod-?', 'prod-1', undefined, true],
    ['prod-?', 'prod-12', undefined, false],
    ['prod-[ab]', 'prod-b', undefined, true],
    ['prod-[!ab]', 'prod-b', undefined, false],
    ['prod-[a-c]', 'prod-c', undefined, true],
    ['{dev,staging}-*', 'staging-eu', undefined, true],
    ['{dev,staging}-*', 'prod-eu', undefined, false],
    ['a.b', 'axb', undefined, false],
    ['\\*', '*', undefined, true],
    ['\\*', 'x', undefined, false],
    ['', '', undefined, true],
    ['', 'x', undefined, false],
    ['prod-[ab', 'prod-a', undefined, false],
  ])('%s ~ %s (separator %s) is %s', (pattern, text, separator, expected) => {
    expect(globMatch(pattern, text, separator)).toBe(expected);
  });

  it('does not compile unclosed classes or groups', () => {
    expect(globToRegExp('a[bc')).toBeUndefined();
    expect(globToRegExp('{a,b')).toBeUndefined();
  });
});
