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

  const TRAILER =
    'fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n';

  it.each([
    [
      "a refused key shows ssh's line, not only git's trailer",
      `git@127.0.0.1: Permission denied (publickey).\r\n${TRAILER}`,
      /Permission denied \(publickey\)\.; check the repository credentials/,
    ],
    [
      'an unknown host key names the host and both fixes',
      `No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n${TRAILER}`,
      /host key verification failed: no key for \[127\.0\.0\.1\]:2222 is in the known_hosts .*knownHosts, or set insecureIgnoreHostKey: true/,
    ],
    [
      'a changed host key says so and leaves out the temp paths',
      `@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nOffending ED25519 key in /tmp/berth-ssh-x/known_hosts:1\r\nHost key for git.example.com has changed and you have requested strict checking.\r\nHost key verification failed.\r\n${TRAILER}`,
      /^git auth-failed for ssh:\/\/git\.example\.com\/r\.git: SSH host key verification failed: the host key of git\.example\.com has changed [^/]*$/,
    ],
    ["git's trailer alone is still shown", TRAILER, /Could not read from remote repository/],
  ])('%s', (_name, stderr, message) => {
    const err = classifyGitError(stderr, 'ssh://git@git.example.com/r.git');
    expect(err.message).toMatch(message);
  });
});
