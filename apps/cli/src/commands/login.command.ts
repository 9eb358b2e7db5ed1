import type { Command } from 'commander';
import { contextNameOf, serverUrl, withLogin, withoutToken } from '../config/cli-config';
import { out } from '../cli-session';
import { ApiClient } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { action, example } from './action';

interface LoginOptions {
  username?: string;
  password?: string;
  token?: string;
  sso?: boolean;
  name?: string;
  plaintext?: boolean;
  insecure?: boolean;
  skipTestTls?: boolean;
}

/** `berth login SERVER`: POST /api/v1/session, the token kept in a context (Argo CD's `argocd login`). */
export function registerLogin(program: Command): void {
  const login = program
    .command('login')
    .description('Log in to a Berth server and save the session in a context')
    .argument('<server>', 'host:port (https; --plaintext for http) or http(s)://host:port')
    .option('--username <name>', 'the account to log in as')
    .option('--password <password>', 'its password (or BERTH_PASSWORD)')
    .option('--token <token>', 'use this API key or session token instead of a password')
    .option('--sso', 'log in through the browser (not supported by the CLI yet)')
    .option('--name <context>', 'name of the context (default: host:port of the server)')
    .option('--skip-test-tls', 'accepted for Argo CD scripts; ignored')
    .action(
      action<LoginOptions>(async (session, options, [server]) => {
        if (options.sso)
          throw new CliError([
            '--sso is not supported by the CLI yet: log in in the browser at <server>/auth/login, or use an API key (berth account generate-token) with --token',
          ]);
        const global = session.options;
        const base = serverUrl(server!, global.plaintext);
        const insecure = global.insecure === true;
        let token = options.token ?? '';
        if (!token) {
          const username = options.username;
          const password = options.password ?? process.env['BERTH_PASSWORD'];
          if (!username || !password)
            throw new CliError([
              'give --username and --password (or BERTH_PASSWORD), or --token with an API key',
            ]);
          const anonymous = new ApiClient({ server: base, insecure });
          ({ token } = await anonymous.post<{ token: string }>(
            '/api/v1/session',
            { username, password },
            undefined,
            'login',
          ));
        }
        const client = new ApiClient({ server: base, token, insecure });
        const who = await client.get<{ loggedIn: boolean; username?: string }>('/api/v1/session/userinfo');
        if (!who.loggedIn) throw new CliError([`the server at ${base} does not accept this token`]);
        const name = options.name ?? contextNameOf(base);
        await session.writeConfig(
          withLogin(await session.readConfig(), { name, server: base, token, insecure }),
        );
        out(`'${who.username ?? ''}' logged in successfully`);
        out(`Context '${name}' updated`);
      }),
    );
  example(
    login,
    `berth login cd.example.com --username admin --password "$PASSWORD"
berth login http://localhost:3000 --username admin --password secret
berth login localhost:3000 --plaintext --token "$BERTH_API_KEY"`,
  );

  const logout = program
    .command('logout')
    .description('Log out: revoke the session on the server and forget its token')
    .argument('[context]', 'the context to log out of (default: the current one)')
    .action(
      action(async (session, _options, [name]) => {
        const config = await session.readConfig();
        const contextName = name ?? config['current-context'];
        const context = config.contexts.find((c) => c.name === contextName);
        if (!context) throw new CliError([`no context "${contextName}": see berth context`]);
        const token = config.users.find((u) => u.name === context.user)?.['auth-token'];
        if (token) {
          const insecure = config.servers.find((s) => s.server === context.server)?.insecure === true;
          // Revoke server-side too; a session that already expired or a server that is gone must not keep
          // the token in the file.
          await new ApiClient({ server: context.server, token, insecure })
            .delete('/api/v1/session')
            .catch(() => undefined);
        }
        await session.writeConfig(withoutToken(config, contextName));
        out(`Logged out from '${contextName}'`);
      }),
    );
  example(logout, 'berth logout\nberth logout cd.example.com');
}
