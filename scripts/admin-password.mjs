#!/usr/bin/env node
// Sets a new random password for the admin account (or the account named by the first argument) and prints
// it once: the way back in when the initial password printed at the first start is lost. Talks to Postgres
// directly (DATABASE_URL), like Argo CD's `argocd admin` commands talk to Kubernetes. The change is recorded
// (AccountPasswordChanged, actor system:admin-password) and ends every session and API key of the account.
// Needs `npm run build` first.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const {
  AccountsRepository,
  createCommandHandler,
  createDataSource,
} = require('../dist/libs/event-store/src/index.js');
const { ADMIN_ACCOUNT, PasswordHasher, resetPassword } = require('../dist/libs/auth/src/index.js');
const { loadConfigOrExit } = require('../dist/libs/runtime/src/index.js');

const account = process.argv[2] ?? ADMIN_ACCOUNT;
const config = loadConfigOrExit();
const ds = createDataSource(config.databaseUrl, { applicationName: 'berth-admin-password' });
await ds.initialize();
try {
  const hasher = new PasswordHasher();
  const password = hasher.generate();
  await resetPassword(
    { commands: createCommandHandler(ds), accounts: new AccountsRepository(ds), hasher, nowMs: Date.now },
    account,
    password,
    'system:admin-password',
  );
  process.stderr.write(`new password of ${account} (shown this once):\n\n    ${password}\n\n`);
} finally {
  await ds.destroy();
}
