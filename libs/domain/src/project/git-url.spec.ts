import { describe, expect, it } from '@jest/globals';
import { normalizeGitUrl } from './git-url';

describe('normalizeGitUrl', () => {
  it.each([
    ['https://github.com/Example/Repo.git', 'https://github.com/example/repo'],
    ['  https://github.com/example/repo  ', 'https://github.com/example/repo'],
    ['git@github.com:example/repo.git', 'git@github.com/example/repo'],
    ['ssh://git@github.com/example/repo.git', 'git@github.com/example/repo'],
    ['file:///srv/git/repo.git', 'file:///srv/git/repo'],
  ])('%s -> %s', (url, normalized) => {
    expect(normalizeGitUrl(url)).toBe(normalized);
  });
});
