import { describe, expect, it } from '@jest/globals';
import { classifyGitError } from './git-error.classifier';

describe('classifyGitError', () => {
  it.each([
    ["fatal: Authentication failed for 'https://example.com/r.git/'", 'auth-failed'],
    [
      'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      'auth-failed',
    ],
    ['Host key verification failed.', 'auth-failed'],
    ["fatal: could not read Username for 'https://example.com': terminal prompts disabled", 'auth-failed'],
    ["fatal: repository 'https://example.com/missing.git/' not found", 'not-found'],
    ["fatal: '/srv/nope.git' does not appear to be a git repository", 'not-found'],
    ['fatal: unable to access: Failed to connect to 127.0.0.1 port 9: Connection refused', 'unreachable'],
    ['fatal: unable to access: Could not resolve host: nowhere.invalid', 'unreachable'],
    ['fatal: early EOF', 'git-failed'],
  ])('%s -> %s', (stderr, code) => {
    expect(classifyGitError(stderr, 'https://example.com/r.git').code).toBe(code);
  });

  it('keeps secrets and URL credentials out of the message', () => {
    const err = classifyGitError(
      "fatal: Authentication failed for 'https://bob:tok123@example.com/' tok123",
      'https://example.com/r.git',
      ['tok123'],
    );
    expect(err.message).not.toContain('tok123');
  });
});
