import { describe, expect, it } from '@jest/globals';
import { doublestarMatch, gitPathspecMatch, goPathMatch } from './path-glob';
import { fastTemplateReplace } from './template-render';
import { sanitizeName } from './sanitize-name';

describe("Go's path.Match and doublestar", () => {
  it.each([
    ['services/*', 'services/api', true],
    ['services/*', 'services/api/overlays', false],
    ['services/?pi', 'services/api', true],
    ['services/[a-c]*', 'services/billing', true],
    ['services/[^a-c]*', 'services/billing', false],
    ['a\\*b', 'a*b', true],
    ['*', '.hidden', true],
  ])('path.Match(%s, %s) = %s', (pattern, name, expected) => {
    expect(goPathMatch(pattern, name)).toBe(expected);
  });
  it.each([
    ['clusters/**/config.json', 'clusters/config.json', true],
    ['clusters/**/config.json', 'clusters/a/b/config.json', true],
    ['clusters/*/config.json', 'clusters/a/b/config.json', false],
    ['**', 'any/thing.yaml', true],
  ])('doublestar(%s, %s) = %s', (pattern, name, expected) => {
    expect(doublestarMatch(pattern, name)).toBe(expected);
  });
  it.each([
    ['clusters/*/config.json', 'clusters/a/b/config.json', true],
    ['clusters/*.json', 'clusters/a.json', true],
    ['clusters/**/config.json', 'clusters/a/config.json', true],
    ['clusters', 'clusters/a/config.json', true],
    ['clusters/a/config.json', 'clusters/a/config.json', true],
    ['cluster', 'clusters/a/config.json', false],
    ['*.yaml', 'deep/dir/x.yaml', true],
    ['?.json', 'a.json', true],
  ])("git ls-files' pathspec(%s, %s) = %s", (pattern, name, expected) => {
    expect(gitPathspecMatch(pattern, name)).toBe(expected);
  });
  it('throws on an unclosed class', () => {
    expect(() => goPathMatch('a[b', 'a')).toThrow('unclosed "["');
  });
});

describe("fasttemplate as Argo CD's Replace uses it", () => {
  it.each([
    ['api-{{path.basename}}-{{ env }}', 'api-web-dev'],
    ['{{missing}}-{{ }}', '{{missing}}-{{ }}'],
    ['{{count}}', '{{count}}'],
    ['open {{env', 'open {{env'],
  ])('%s -> %s', (text, expected) => {
    expect(fastTemplateReplace(text, { 'path.basename': 'web', env: 'dev', count: 3 })).toBe(expected);
  });
});

describe('sanitizeName', () => {
  it('lowercases and replaces what a DNS name cannot hold', () => {
    expect(sanitizeName('-My_App.v2-')).toBe('my-app.v2');
  });
});
