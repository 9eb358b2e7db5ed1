import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_ADMIN_PASSWORD } from '@berth/testing';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { BerthCli, listen } from './berth-cli';

// What `berth` asks a person at a terminal (as `argocd login` and `argocd account update-password` do):
// the built CLI on a real pseudo-terminal (util-linux `script`), answers typed once each prompt shows,
// and the transcript checked for the secrets; on a pipe the same commands fail at once, naming the flags.
let s: TestScheduler;
let url: string;
let cli: BerthCli;
const NEW_PASSWORD = 'typed-new-Passw0rd';

beforeAll(async () => {
  s = await startTestScheduler();
  url = await listen(s.app);
  cli = await BerthCli.create();
}, 60_000);

afterAll(async () => {
  await cli?.close();
  await s?.close();
});

describe('prompts on a terminal, errors on a pipe', () => {
  it('berth login SERVER asks for the username and the password; the password is never echoed', async () => {
    const r = await cli.runInTerminal(
      ['login', url],
      [
        [/Username:/, 'admin'],
        [/Password:/, TEST_ADMIN_PASSWORD],
      ],
    );
    expect(r.transcript).toContain(`'admin' logged in successfully`);
    expect(r.code).toBe(0);
    expect(r.transcript).toContain('admin');
    expect(r.transcript).not.toContain(TEST_ADMIN_PASSWORD);
    expect((await cli.run(['account', 'get-user-info'])).stdout).toContain('Username: admin');
  }, 30_000);

  it('--username given: only the password is asked; a wrong one is refused as with the flag', async () => {
    const r = await cli.runInTerminal(['login', url, '--username', 'admin'], [[/Password:/, 'wrong-one']]);
    expect(r.transcript).not.toMatch(/Username:/);
    expect(r.transcript).toContain('Invalid username or password');
    expect(r.transcript).not.toContain('wrong-one');
    expect(r.code).toBe(20);
  }, 30_000);

  it('on a pipe (no TTY) login without a password fails at once, naming the flags, instead of waiting', async () => {
    const started = Date.now();
    const r = await cli.run(['login', url, '--username', 'admin'], { input: `${TEST_ADMIN_PASSWORD}\n` });
    expect(r.code).toBe(20);
    expect(r.stderr).toBe(
      'error: give --username and --password (or BERTH_PASSWORD), --token with an API key, or --sso: no terminal to ask on (stdin is not a TTY)\n',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    const update = await cli.run(['account', 'update-password']);
    expect(update.code).toBe(20);
    expect(update.stderr).toContain(
      'error: give --current-password and --new-password: no terminal to ask on',
    );
  }, 30_000);

  it('account update-password asks for the current password and the new one twice; two different ones change nothing', async () => {
    const mismatch = await cli.runInTerminal(
      ['account', 'update-password'],
      [
        [/Enter password of currently logged in user \(admin\):/, TEST_ADMIN_PASSWORD],
        [/Enter new password for user admin:/, NEW_PASSWORD],
        [/Confirm new password for user admin:/, `${NEW_PASSWORD}x`],
      ],
    );
    expect(mismatch.transcript).toContain('error: the new passwords do not match; nothing changed');
    expect(mismatch.code).toBe(20);

    const r = await cli.runInTerminal(
      ['account', 'update-password'],
      [
        [/Enter password of currently logged in user \(admin\):/, TEST_ADMIN_PASSWORD],
        [/Enter new password for user admin:/, NEW_PASSWORD],
        [/Confirm new password for user admin:/, NEW_PASSWORD],
      ],
    );
    expect(r.transcript).toContain('Password updated');
    expect(r.code).toBe(0);
    for (const secret of [TEST_ADMIN_PASSWORD, NEW_PASSWORD]) expect(r.transcript).not.toContain(secret);
    // The new password is the one the server takes now; the old one is refused.
    const fresh = await cli.run(['login', url, '--username', 'admin', '--password', NEW_PASSWORD]);
    expect(fresh.code).toBe(0);
    const old = await cli.run(['login', url, '--username', 'admin', '--password', TEST_ADMIN_PASSWORD]);
    expect(old.code).toBe(20);
  }, 60_000);
});
