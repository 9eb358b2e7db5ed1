import { describe, expect, it } from '@jest/globals';
import { parseRepoUrl, redactUrl } from './repo-url';

describe('parseRepoUrl', () => {
  it.each([
    ['https://github.com/org/repo.git', 'https', 'github.com'],
    ['ssh://git@github.com:22/org/repo.git', 'ssh', 'github.com:22'],
    ['git@github.com:org/repo.git', 'ssh', 'github.com'],
    ['github.com:org/repo.git', 'ssh', 'github.com'],
  ])('accepts %s', (url, scheme, host) => {
    expect(parseRepoUrl(url)).toMatchObject({ scheme, host });
  });

  it.each([
    ['file:///srv/repo.git', 'local disk'],
    ['http://example.com/repo.git', 'plain http'],
    ['ftp://example.com/repo.git', 'unsupported scheme'],
    ['https://user:token@example.com/repo.git', 'contains a password'],
    ['-uhack', 'starts with "-"'],
    ['', 'is empty'],
    ['not a url', 'is not a URL'],
  ])('refuses %s naming spec.source.repoURL', (url, reason) => {
    expect(() => parseRepoUrl(url)).toThrow(
      expect.objectContaining({
        code: 'invalid-repo-url',
        field: 'spec.source.repoURL',
        message: expect.stringContaining(reason),
      }),
    );
  });

  it('never echoes the password it refuses', () => {
    expect(() => parseRepoUrl('https://user:sup3rs3cret@example.com/r.git')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sup3rs3cret') }),
    );
  });

  it('allows file:// and http:// only when the policy says so', () => {
    expect(parseRepoUrl('file:///srv/repo.git', { allowFileUrls: true }).scheme).toBe('file');
    expect(parseRepoUrl('http://127.0.0.1:8080/r.git', { allowHttp: true }).scheme).toBe('http');
  });
});

describe('redactUrl', () => {
  it('removes user info', () => {
    expect(redactUrl("fatal: unable to access 'https://bob:pw@example.com/r.git/'")).toBe(
      "fatal: unable to access 'https://example.com/r.git/'",
    );
  });
});
