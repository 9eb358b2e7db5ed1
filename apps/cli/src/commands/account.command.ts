import type { Command } from 'commander';
import { out, printStructured } from '../cli-session';
import { withLogin } from '../config/cli-config';
import { ApiClient, seg } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { parseDuration } from '../format/duration';
import { terminalPrompt } from '../prompt/terminal-prompt';
import { action, example } from './action';

interface UserInfo {
  loggedIn: boolean;
  username?: string;
  iss?: string;
  groups?: string[];
}

/** `berth account ...`: who am I, API keys, password (Argo CD's `argocd account`). */
export function registerAccount(program: Command): void {
  const account = program.command('account').description('Manage the account you are logged in as');

  const info = account
    .command('get-user-info')
    .description('Show who the token belongs to')
    .option('-o, --output <format>', 'json|yaml')
    .action(
      action<{ output?: string }>(async (session, options) => {
        const client = await session.client({ anonymous: false });
        const who = await client.get<UserInfo>('/api/v1/session/userinfo');
        if (printStructured(options.output, who)) return;
        // Argo CD's exact lines (`argocd account get-user-info`), one `Key: value` each.
        const lines = [`Logged In: ${who.loggedIn}`];
        if (who.loggedIn)
          lines.push(
            `Username: ${who.username ?? ''}`,
            `Issuer: ${who.iss ?? ''}`,
            `Groups: ${(who.groups ?? []).join(',')}`,
          );
        out(lines.map((l) => l.trimEnd()).join('\n'));
      }),
    );
  example(info, 'berth account get-user-info\nberth account get-user-info -o json');

  const generate = account
    .command('generate-token')
    .description('Issue an API key (shown once) for your account or another one you may manage')
    .option('-a, --account <name>', 'the account (default: the one you are logged in as)')
    .option('-e, --expires-in <duration>', 'e.g. 24h, 30d; 0 never expires', '0s')
    .option('--id <id>', 'an id for the key (default: generated)')
    .action(
      action<{ account?: string; expiresIn: string; id?: string }>(async (session, options) => {
        const client = await session.client();
        const name = options.account ?? (await currentUser(client));
        const expiresIn = Math.round(parseDuration(options.expiresIn, '--expires-in') / 1000);
        const { token } = await client.post<{ token: string }>(
          `/api/v1/account/${seg(name)}/token`,
          { expiresIn, ...(options.id ? { id: options.id } : {}) },
          undefined,
          `generate a token for ${name}`,
        );
        out(token);
      }),
    );
  example(
    generate,
    'berth account generate-token\nberth account generate-token --account ci --expires-in 720h --id ci-2026',
  );

  const password = account
    .command('update-password')
    .description('Change a password; your own logs you in again with the new one')
    .option('--current-password <password>', 'the password of the account you are logged in as')
    .option('--new-password <password>', 'the new password')
    .option('--account <name>', 'change another account (an admin right)')
    .action(
      action<{ currentPassword?: string; newPassword?: string; account?: string }>(
        async (session, options) => {
          const client = await session.client();
          const me = await currentUser(client);
          const { currentPassword, newPassword } = await passwordsOf(options, me);
          await client.put(
            '/api/v1/account/password',
            {
              currentPassword,
              newPassword,
              ...(options.account ? { name: options.account } : {}),
            },
            undefined,
            'update password',
          );
          out('Password updated');
          // As Argo CD: a changed own password ends the sessions, so log in again to keep the context usable.
          if ((options.account ?? me) !== me) return;
          const config = await session.readConfig();
          const context = config.contexts.find((c) => c.name === config['current-context']);
          if (!context || context.server !== client.server || session.options.authToken) return;
          const anonymous = new ApiClient({
            server: client.server,
            insecure: session.options.insecure === true,
          });
          const fresh = await anonymous
            .post<{ token: string }>('/api/v1/session', { username: me, password: newPassword })
            .catch(() => undefined);
          if (!fresh) return;
          await session.writeConfig(
            withLogin(config, {
              name: context.name,
              server: context.server,
              token: fresh.token,
              insecure:
                session.options.insecure === true ||
                config.servers.some((s) => s.server === context.server && s.insecure),
            }),
          );
          out(`Context '${context.name}' updated`);
        },
      ),
    );
  example(
    password,
    `berth account update-password                   # asks for both, the new one twice
berth account update-password --current-password old --new-password "$NEW"
berth account update-password --account alice --current-password "$ADMIN_PASSWORD" --new-password "$NEW"`,
  );
}

/**
 * The flags' passwords, else asked on the terminal as `argocd account update-password` asks (the new one
 * twice, unechoed); on a pipe without the flags, an error naming them.
 */
async function passwordsOf(
  options: { currentPassword?: string; newPassword?: string; account?: string },
  me: string,
): Promise<{ currentPassword: string; newPassword: string }> {
  let { currentPassword, newPassword } = options;
  if (currentPassword && newPassword) return { currentPassword, newPassword };
  const prompt = terminalPrompt('give --current-password and --new-password');
  currentPassword ||= await prompt.secret(`*** Enter password of currently logged in user (${me}):`);
  if (!newPassword) {
    const user = options.account ?? me;
    newPassword = await prompt.secret(`*** Enter new password for user ${user}:`);
    const again = await prompt.secret(`*** Confirm new password for user ${user}:`);
    if (again !== newPassword) throw new CliError(['the new passwords do not match; nothing changed']);
  }
  return { currentPassword, newPassword };
}

export async function currentUser(client: { get<T>(path: string): Promise<T> }): Promise<string> {
  const who = await client.get<UserInfo>('/api/v1/session/userinfo');
  if (!who.loggedIn || !who.username) throw new CliError(['the token is not accepted: berth login again']);
  return who.username;
}
