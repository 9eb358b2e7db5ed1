// The `berth` command (apps/cli, docs/cli.md) a person would type for what the demo just did through the
// REST API: printed dim under each API action so the tour teaches the CLI. Pure, so
// test/e2e/demo-helpers.spec.ts checks every line against the CLI's own command tree (commands, flags).
//
// Each person has a context named after them (`berth login ... --name dana`); an action taken as someone
// names their context with `--argocd-context`, as Argo CD's global flag does. Passwords are never printed:
// they stay shell variables.

/** `berth login` for one person; the last login becomes the current context, as in Argo CD. */
export function loginCommand(server, username) {
  return `berth login ${server} --plaintext --username ${username} --password "$${passwordVariable(username)}" --name ${username}`;
}

/** The admin giving another account its password (PUT /api/v1/account/password). */
export function setPasswordCommand(account) {
  return `berth account update-password --account ${account} --current-password "$ADMIN_PASSWORD" --new-password "$${passwordVariable(account)}" --argocd-context admin`;
}

/** Argo CD's YAML as-is: flags cannot say autoRollback or the notification annotations. */
export function createCommand(file, as) {
  return `berth app create -f ${file} --argocd-context ${as}`;
}

/** What the demo's bounded wait for Synced + Healthy is. */
export function waitCommand(...apps) {
  return `berth app wait ${apps.join(' ')} --sync --health --timeout 60`;
}

export function getCommand(app) {
  return `berth app get ${app}`;
}

/** The status table after each step. */
export function listCommand() {
  return 'berth app list -o wide';
}

/** The app's own event stream, which the demo polls for drift, syncs and rollbacks. */
export function eventsCommand(app) {
  return `berth app events ${app} --follow`;
}

export function syncCommand(app, as, options = {}) {
  return `berth app sync ${app}${options.prune ? ' --prune' : ''} --argocd-context ${as}`;
}

export function auditCommand(since) {
  return `berth audit --since ${since}`;
}

function passwordVariable(username) {
  return `${username.toUpperCase()}_PASSWORD`;
}
