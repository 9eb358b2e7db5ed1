import type { Command } from 'commander';
import { contextNameOf, serverUrl, withLogin, withoutToken } from '../config/cli-config';
import { note, out } from '../cli-session';
import { loopbackSso, type OidcProvider } from '../sso/loopback-sso';
import { ApiClient } from '../http/api-client';
import { CliError } from '../http/cli-error';
import { terminalPrompt } from '../prompt/terminal-prompt';
import { action, example } from './action';

interface LoginOptions {
  username?: string;
  password?: string;
  token?: string;
  sso?: boolean;
  ssoPort: string;
  ssoLaunchBrowser: string | boolean;
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
    .option('--username <name>', 'the account to log in as; asked on the terminal when absent')
    .option('--password <password>', 'its password (or BERTH_PASSWORD); asked on the terminal when absent')
    .option('--token <token>', 'use this API key or session token instead of a password')
    .option('--sso', "log in through the browser with the server's OIDC provider")
    .option('--sso-port <port>', 'port of the local callback server for --sso', '8085')
    .option('--sso-launch-browser [bool]', 'open a browser for --sso (false: print the URL only)', true)
    .option('--name <context>', 'name of the context (default: host:port of the server)')
    .option('--skip-test-tls', 'accepted for Argo CD scripts; ignored')
    .action(
      action<LoginOptions>(async (session, options, [server]) => {
        const global = session.options;
        const base = serverUrl(server!, global.plaintext);
        const insecure = global.insecure === true;
        let token = options.token ?? '';
        if (options.sso) {
          if (token || options.username || options.password)
            throw new CliError([
              '--sso logs in through the browser: leave out --token, --username and --password',
            ]);
          token = await ssoToken(new ApiClient({ server: base, insecure }), options);
        } else if (!token) {
          let username = options.username;
          let password = options.password ?? process.env['BERTH_PASSWORD'];
          // As `argocd login`: what the flags leave out is asked on the terminal (the password unechoed).
          if (!username || !password) {
            const prompt = terminalPrompt(
              'give --username and --password (or BERTH_PASSWORD), --token with an API key, or --sso',
            );
            username ||= await prompt.text('Username:');
            password ||= await prompt.secret('Password:');
          }
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
    `berth login cd.example.com                      # asks for the username and password
berth login cd.example.com --username admin --password "$PASSWORD"
berth login http://localhost:3000 --username admin --password secret
berth login localhost:3000 --plaintext --token "$BERTH_API_KEY"
berth login cd.example.com --sso
berth login cd.example.com --sso --sso-port 8090 --sso-launch-browser=false`,
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

/**
 * `--sso`: the provider the server advertises (`oidcConfig` of `GET /api/v1/settings`), Argo CD's browser
 * flow through a loopback callback, then the server's code exchange (`POST /api/v1/session/sso`).
 */
async function ssoToken(anonymous: ApiClient, options: LoginOptions): Promise<string> {
  const port = Number(options.ssoPort);
  if (!/^\d{1,5}$/.test(options.ssoPort) || port < 1 || port > 65535)
    throw new CliError([`--sso-port ${options.ssoPort}: a port number from 1 to 65535, e.g. 8085`]);
  const launch = String(options.ssoLaunchBrowser);
  if (launch !== 'true' && launch !== 'false')
    throw new CliError([`--sso-launch-browser=${launch}: use true or false`]);
  const settings = await anonymous.get<{ oidcConfig?: OidcProvider }>(
    '/api/v1/settings',
    undefined,
    'read the SSO settings',
  );
  if (!settings.oidcConfig)
    throw new CliError([
      `${anonymous.server} has no SSO configured (oidc.config, docs/accounts.md): log in with --username or --token`,
    ]);
  const code = await loopbackSso({
    provider: settings.oidcConfig,
    port,
    launchBrowser: launch === 'true',
    note,
    timeoutMs: 5 * 60_000,
  });
  const { token } = await anonymous.post<{ token: string }>(
    '/api/v1/session/sso',
    code,
    undefined,
    'SSO login',
  );
  return token;
}
