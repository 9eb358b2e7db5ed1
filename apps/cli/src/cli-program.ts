import { Command } from 'commander';
import { registerAccount } from './commands/account.command';
import { registerAppEvents } from './commands/app-events.command';
import { registerAudit } from './commands/audit.command';
import { registerCluster } from './commands/cluster.command';
import { registerCompletion } from './commands/completion.command';
import { registerNotifications } from './commands/notifications.command';
import { registerProj } from './commands/proj.command';
import { registerApplicationSets } from './commands/appset.command';
import { registerRepo } from './commands/repo.command';
import { registerServer } from './commands/server.command';
import { registerAppCreate } from './commands/app-create.command';
import { registerAppDelete } from './commands/app-delete.command';
import { registerAppGet } from './commands/app-get.command';
import { registerAppDiff } from './commands/app-diff.command';
import { registerAppHistory } from './commands/app-history.command';
import { registerAppList } from './commands/app-list.command';
import { registerAppManifests } from './commands/app-manifests.command';
import { registerAppOperation } from './commands/app-operation.command';
import { registerAppLogs } from './commands/app-logs.command';
import { registerAppResources } from './commands/app-resources.command';
import { registerAppSet } from './commands/app-set.command';
import { registerAppSync } from './commands/app-sync.command';
import { registerAppWait } from './commands/app-wait.command';
import { registerContext } from './commands/context.command';
import { registerLogin } from './commands/login.command';

/** The `berth` command tree: Argo CD's command names, flags and output, over Berth's REST API only. */
export function buildProgram(version: string): Command {
  const program = new Command('berth')
    .description("Berth's command line: Argo CD's `argocd` commands, against a Berth server's REST API")
    .version(version)
    .option(
      '--server <address>',
      'the server (host:port or URL); default: the current context (or BERTH_SERVER)',
    )
    .option('--auth-token <token>', "token to use instead of the context's (or BERTH_AUTH_TOKEN)")
    .option('--insecure', 'skip TLS certificate verification')
    .option('--plaintext', 'use http:// for a host:port server')
    .option('--grpc-web', 'accepted for Argo CD scripts; Berth speaks REST, so it changes nothing')
    .option('--config <path>', 'config file (default: BERTH_CONFIG or ~/.config/berth/config)')
    .option('--argocd-context <name>', 'use this context instead of the current one')
    .showHelpAfterError('(add --help for usage and examples)')
    .configureHelp({ sortSubcommands: true });
  registerLogin(program);
  registerContext(program);
  registerAccount(program);
  const app = program.command('app').description('Manage applications');
  registerAppList(app);
  registerAppGet(app);
  registerAppCreate(app);
  registerAppDelete(app);
  registerAppSync(app);
  registerAppWait(app);
  registerAppDiff(app);
  registerAppHistory(app);
  registerAppManifests(app);
  registerAppResources(app);
  registerAppSet(app);
  registerAppOperation(app);
  registerAppLogs(app);
  registerAppEvents(app);
  registerRepo(program);
  registerCluster(program);
  registerProj(program);
  registerApplicationSets(program);
  registerAudit(program);
  registerNotifications(program);
  registerCompletion(program);
  registerServer(program);
  return program;
}
