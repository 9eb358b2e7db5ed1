// The story `npm run demo` tells, one function per step (a)-(f). Each step acts like a person
// or Git would, waits (bounded) for Berth to converge, and prints a status table.
import { short, summarize } from './berth-client.mjs';
import {
  auditCommand,
  createCommand,
  eventsCommand,
  getCommand,
  listCommand,
  syncCommand,
  waitCommand,
} from './berth-cli.mjs';
import { DemoError, waitFor } from './demo-error.mjs';
import { withConfigValue, withImageTag } from './demo-git-repo.mjs';

export const APPS = ['api-dev', 'api-staging', 'api-prod'];

/**
 * @typedef {object} DemoContext
 * @property {import('./terminal.mjs').Terminal} term
 * @property {import('./berth-client.mjs').BerthClient} api
 * @property {import('./demo-git-repo.mjs').DemoGitRepo} repo
 * @property {import('./sandbox-client.mjs').SandboxClient} sandbox
 * @property {{ messages: Array<Record<string, unknown>> }} receiver
 * @property {string} cwd
 * @property {string} databaseUrl
 * @property {number} timeoutMs
 * @property {number} startedAt when the demo started (ms), for `berth audit --since`
 */

/** The Application the platform team would `kubectl apply` in Argo CD, for one environment. */
export function applicationYaml(env, repoURL, syncPolicy) {
  const policy =
    syncPolicy === 'manual'
      ? ''
      : `    automated:\n      prune: ${syncPolicy.prune}\n      selfHeal: ${syncPolicy.selfHeal}\n` +
        (syncPolicy.autoRollback
          ? `    autoRollback:\n      healthTimeout: ${syncPolicy.autoRollback}\n`
          : '');
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: api-${env}
  namespace: argocd
  annotations:
    notifications.argoproj.io/subscribe.on-deployed.demo: ""
    notifications.argoproj.io/subscribe.on-health-degraded.demo: ""
    notifications.argoproj.io/subscribe.on-sync-failed.demo: ""
spec:
  project: default
  source:
    repoURL: ${repoURL}
    targetRevision: main
    path: overlays/${env}
  destination:
    server: https://kubernetes.default.svc
    namespace: api-${env}
  syncPolicy:
${policy}    syncOptions:
      - CreateNamespace=true
`;
}

const healthyAt = (sha) => (app) =>
  app.status?.sync?.status === 'Synced' &&
  app.status?.health?.status === 'Healthy' &&
  (sha === undefined || app.status?.sync?.revision === sha) &&
  app.status?.operationState?.phase !== 'Running';

/** The status table printed after every step: Berth's view plus what is live in the cluster. */
export async function printStatus(ctx) {
  const rows = [];
  for (const name of APPS) {
    const app = await ctx.api.getApplication(name).catch(() => undefined);
    const live = await ctx.sandbox.deployment(name, 'api').catch(() => undefined);
    const op = app?.status?.operationState;
    const automated = app?.spec?.syncPolicy?.automated;
    rows.push([
      name,
      app?.status?.sync?.status,
      app?.status?.health?.status,
      short(app?.status?.sync?.revision),
      automated ? `auto${automated.prune ? '+prune' : ''}${automated.selfHeal ? '+selfHeal' : ''}` : 'manual',
      op ? `${op.phase} by ${initiator(op)}` : '',
      live ? `${live.status?.readyReplicas ?? 0}/${live.spec?.replicas}` : '-',
      live?.spec?.template?.spec?.containers?.[0]?.image ?? '-',
    ]);
  }
  ctx.term.line();
  ctx.term.table(
    ['APP', 'SYNC', 'HEALTH', 'REVISION', 'POLICY', 'LAST OPERATION', 'READY', 'LIVE IMAGE'],
    rows,
  );
  ctx.term.cli(listCommand());
}

async function pushAndNotify(ctx, sha) {
  const res = await ctx.api.pushWebhook(ctx.repo.pushWebhookBody(sha));
  ctx.term.info(
    `git push -> POST /api/webhook (X-GitHub-Event: push): refreshed ${JSON.stringify(res.refreshed)}`,
  );
  return res;
}

/** (a) register the three environments; dev and staging sync themselves, prod waits for a person. */
export async function stepInitialSync(ctx) {
  const started = Date.now();
  ctx.term.step('a', 'register api-dev, api-staging, api-prod; initial sync');
  const policies = {
    // autoRollback: Berth's own field (docs/rollback.md); a build without it keeps it with a warning.
    dev: { prune: true, selfHeal: true, autoRollback: '30s' },
    staging: { prune: false, selfHeal: false },
    prod: 'manual',
  };
  for (const [env, policy] of Object.entries(policies)) {
    const created = await ctx.api.createApplication(
      applicationYaml(env, ctx.repo.repoURL, policy),
      'dana',
      `onboard the ${env} environment`,
    );
    ctx.term.info(
      `POST /api/v1/applications  (as dana)  -> api-${env} (${policy === 'manual' ? 'manual sync' : `automated${policy.prune ? ', prune' : ''}${policy.selfHeal ? ', selfHeal' : ''}${policy.autoRollback ? `, autoRollback ${policy.autoRollback}` : ''}`})`,
    );
    ctx.term.cli(createCommand(`api-${env}.yaml`, 'dana'));
    if (policy !== 'manual' && policy.autoRollback) {
      const ignored = (created?.warnings ?? []).find((w) => w.includes('autoRollback'));
      ctx.autoRollback = !ignored;
      if (ignored) ctx.term.detail(`this build does not know autoRollback: ${ignored}`);
    }
  }
  const head = await ctx.repo.head();
  await Promise.all([
    ctx.api.waitForApp('api-dev', `Synced+Healthy at ${short(head)}`, healthyAt(head), ctx.timeoutMs),
    ctx.api.waitForApp('api-staging', `Synced+Healthy at ${short(head)}`, healthyAt(head), ctx.timeoutMs),
    ctx.api.waitForApp(
      'api-prod',
      'OutOfSync (compared, waiting for a manual sync)',
      (app) => app.status?.sync?.status === 'OutOfSync',
      ctx.timeoutMs,
    ),
  ]);
  ctx.term.cli(waitCommand('api-dev', 'api-staging'));
  ctx.term.cli(getCommand('api-prod'));
  ctx.term.info(
    'dev and staging synced themselves; prod is OutOfSync and waits for a person (manual policy).',
  );
  await printStatus(ctx);
  ctx.term.stepDone('a', started);
}

/** (b) a commit to the dev overlay, announced by a push webhook, is deployed to dev only. */
export async function stepCommitToDev(ctx) {
  const started = Date.now();
  ctx.term.step('b', 'commit to overlays/dev, push webhook, dev auto-syncs');
  await ctx.repo.edit(
    'overlays/dev/configmap.yaml',
    (text) => withConfigValue(text, 'LOG_LEVEL', 'trace'),
    'dev: LOG_LEVEL=trace',
  );
  const sha = await ctx.repo.edit(
    'overlays/dev/kustomization.yaml',
    (text) => withImageTag(text, 'v1.2.4-dev'),
    'dev: api v1.2.4-dev',
  );
  ctx.term.info(`git commit ${short(sha)} "dev: api v1.2.4-dev" (and LOG_LEVEL=trace); git push`);
  await pushAndNotify(ctx, sha);
  const app = await ctx.api.waitForApp(
    'api-dev',
    `Synced+Healthy at ${short(sha)}`,
    healthyAt(sha),
    ctx.timeoutMs,
  );
  ctx.term.cli(waitCommand('api-dev'));
  ctx.term.info(
    `api-dev now runs revision ${short(app.status.sync.revision)}; staging and prod did not move.`,
  );
  await printStatus(ctx);
  ctx.term.stepDone('b', started);
  return sha;
}

/** (c) someone scales the live Deployment by hand; self-heal puts Git's replica count back. */
export async function stepDriftSelfHeal(ctx) {
  const started = Date.now();
  ctx.term.step('c', 'manual drift in the cluster, reverted by self-heal');
  const before = (await ctx.api.events('api-dev')).length;
  // Nothing below asks for a refresh: the worker's live-state watch sees the change (docs/live-state.md),
  // and the periodic refresh (120 s + jitter by default) is minutes away.
  const scaledAt = Date.now();
  const command = await ctx.sandbox.scale('api-dev', 'api', 3);
  ctx.term.info(`$ ${command}`);
  ctx.term.cli(eventsCommand('api-dev'));
  const events = await waitFor(
    'api-dev to detect the drift and self-heal it',
    async () => {
      const all = (await ctx.api.events('api-dev')).slice(before);
      const drift = all.find((e) => e.type === 'SyncStatusChanged' && e.data?.to === 'OutOfSync');
      const healed = all.find((e) => e.type === 'SyncOperationSucceeded');
      const live = await ctx.sandbox.deployment('api-dev', 'api');
      return drift && healed && live?.spec?.replicas === 1 ? { drift, healed } : undefined;
    },
    {
      timeoutMs: ctx.timeoutMs,
      lastState: async () =>
        `${summarize(await ctx.api.getApplication('api-dev'))} live replicas=${(await ctx.sandbox.deployment('api-dev', 'api'))?.spec?.replicas}`,
    },
  );
  const healedAt = Date.now();
  ctx.term.info(
    `drift detected (OutOfSync at ${time(events.drift)}), self-heal sync succeeded at ${time(events.healed)}: replicas back to 1, as in Git.`,
  );
  ctx.term.info(
    `SELF-HEAL took ${seconds(healedAt - scaledAt)} s from the scale to 1 replica again (drift seen after ${seconds(eventTime(events.drift) - scaledAt)} s, through the live-state watch: nothing asked for a refresh, and the periodic one is at its default 120 s)`,
  );
  await ctx.api.waitForApp('api-dev', 'Synced+Healthy after self-heal', healthyAt(undefined), ctx.timeoutMs);
  ctx.term.cli(waitCommand('api-dev'));
  await printStatus(ctx);
  ctx.term.stepDone('c', started);
}

/** Waits for an event in the app's stream after index `from` (the stream keeps what polling can miss). */
async function waitForEvent(ctx, app, from, description, predicate) {
  return waitFor(
    `${app}: ${description}`,
    async () => (await ctx.api.events(app)).slice(from).find(predicate),
    { timeoutMs: ctx.timeoutMs, lastState: async () => summarize(await ctx.api.getApplication(app)) },
  );
}

/**
 * (d) a bad image reaches dev and goes Degraded. With `spec.syncPolicy.autoRollback` (docs/rollback.md)
 * Berth re-deploys the last Healthy revision by itself, and the team then reverts Git to match; without
 * it the GitOps way is the only one: `git revert` + push.
 */
export async function stepBadImageRollback(ctx) {
  const started = Date.now();
  ctx.term.step('d', 'bad image on dev goes Degraded, then rollback');
  const goodImage = (await ctx.sandbox.deployment('api-dev', 'api'))?.spec?.template?.spec?.containers?.[0]
    ?.image;
  const from = (await ctx.api.events('api-dev')).length;
  const sha = await ctx.repo.edit(
    'overlays/dev/kustomization.yaml',
    (text) => withImageTag(text, 'doesnotexist'),
    'dev: api doesnotexist (oops)',
  );
  ctx.term.info(`git commit ${short(sha)} "dev: api doesnotexist (oops)"; git push`);
  await pushAndNotify(ctx, sha);
  ctx.term.cli(eventsCommand('api-dev'));
  await waitForEvent(
    ctx,
    'api-dev',
    from,
    `sync of ${short(sha)} to succeed`,
    (e) => e.type === 'SyncOperationSucceeded' && e.data?.revision === sha,
  );
  const degraded = await waitForEvent(
    ctx,
    'api-dev',
    from,
    `Degraded at ${short(sha)} (the image cannot be pulled: progress deadline exceeded)`,
    (e) => e.type === 'HealthStatusChanged' && e.data?.to === 'Degraded',
  );
  ctx.term.info(
    `api-dev went Degraded at ${time(degraded)}: ${degraded.data?.message ?? 'ImagePullBackOff'}`,
  );

  let mode;
  if (ctx.autoRollback) {
    mode = 'automatic rollback (spec.syncPolicy.autoRollback)';
    const rollback = await waitForEvent(
      ctx,
      'api-dev',
      from,
      'AutoRollbackTriggered (spec.syncPolicy.autoRollback is set, so Berth should roll back by itself)',
      (e) => e.type === 'AutoRollbackTriggered',
    );
    ctx.term.info(
      `Berth rolled back by itself: ${short(rollback.data.failedRevision)} -> ${short(rollback.data.rollbackTo)} (${rollback.data.reason})`,
    );
    await waitFor(
      'api-dev to run the previous image again and be Healthy',
      async () => {
        const app = await ctx.api.getApplication('api-dev');
        const live = await ctx.sandbox.deployment('api-dev', 'api');
        return (
          app.status?.health?.status === 'Healthy' &&
          live?.spec?.template?.spec?.containers?.[0]?.image === goodImage
        );
      },
      { timeoutMs: ctx.timeoutMs, lastState: async () => summarize(await ctx.api.getApplication('api-dev')) },
    );
    await printStatus(ctx);
    ctx.term.info(
      'the cluster is safe again, but Git still says doesnotexist: revert it so Git and cluster agree',
    );
  } else {
    mode = 'GitOps rollback (git revert + push webhook)';
    await printStatus(ctx);
    ctx.term.info('automatic rollback is not available in this build, so we roll back the GitOps way');
  }
  const revert = await ctx.repo.revert(sha);
  ctx.term.info(`$ git revert --no-edit ${short(sha)}   -> ${short(revert)}; git push`);
  await pushAndNotify(ctx, revert);
  await ctx.api.waitForApp('api-dev', `Synced+Healthy at ${short(revert)}`, healthyAt(revert), ctx.timeoutMs);
  ctx.term.cli(waitCommand('api-dev'));
  ctx.term.info(`ROLLBACK: ${mode}`);
  await printStatus(ctx);
  ctx.term.stepDone('d', started);
  return mode;
}

/** (e) prod is OutOfSync until a named person syncs it. */
export async function stepManualProdSync(ctx) {
  const started = Date.now();
  ctx.term.step('e', 'prod waits for a manual sync; alice syncs it');
  const app = await ctx.api.getApplication('api-prod');
  ctx.term.info(`api-prod: ${summarize(app)} (no automated policy: Berth only reports the difference)`);
  ctx.term.cli(getCommand('api-prod'));
  const res = await ctx.api.sync('api-prod', 'alice', 'release v1.2.3-prod approved in CAB-42', {
    prune: true,
  });
  ctx.term.info(
    `POST /api/v1/applications/api-prod/sync  (as alice)  X-Reason: release v1.2.3-prod approved in CAB-42 -> operation ${res.operation?.operationId}`,
  );
  // `berth app sync` waits for the operation too, so it covers the wait below.
  ctx.term.cli(syncCommand('api-prod', 'alice', { prune: true }));
  const head = await ctx.repo.head();
  await ctx.api.waitForApp('api-prod', `Synced+Healthy at ${short(head)}`, healthyAt(head), ctx.timeoutMs);
  await printStatus(ctx);
  ctx.term.stepDone('e', started);
}

/** The audit types a person reads; per-refresh bookkeeping is left to the full log. */
const AUDIT_HIDDEN = new Set(['ResourceSynced', 'RefreshRequested', 'RevisionResolved']);

/** (f) everything above, as the audit log tells it. */
export async function stepAuditLog(ctx) {
  const started = Date.now();
  ctx.term.step('f', 'the audit log of it all');
  const items = [];
  let cursor = null;
  for (let page = 0; page < 50; page++) {
    const res = await ctx.api.audit(`limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  items.reverse();
  const shown = items.filter((i) => !AUDIT_HIDDEN.has(i.event_type));
  ctx.term.info(
    `GET /api/v1/audit: ${items.length} events; ${shown.length} shown (${[...AUDIT_HIDDEN].join(', ')} hidden)`,
  );
  ctx.term.cli(auditCommand(`${Math.ceil((Date.now() - ctx.startedAt) / 60_000)}m`));
  ctx.term.line();
  ctx.term.table(
    ['TIME', 'ACTOR', 'APPLICATION', 'EVENT', 'SUMMARY'],
    shown.map((i) => [
      new Date(i.time).toISOString().slice(11, 23),
      i.actor,
      i.application,
      i.event_type,
      truncate(describeAuditRow(i), 80),
    ]),
  );
  const actors = new Set(items.map((i) => i.actor));
  for (const who of ['dana', 'alice']) {
    if (!actors.has(who)) throw new DemoError('ApiError', `the audit log has no event by ${who}`);
  }
  ctx.term.line();
  ctx.term.info('Query it yourself (the demo keeps its database):');
  ctx.term.info(
    `  psql ${ctx.databaseUrl} -c "select time, actor, application, event_type, summary from audit_log order by position"`,
  );
  ctx.term.stepDone('f', started);
  return items.length;
}

/** Who started an operation, as Argo CD's `operationState.operation.initiatedBy` says it. */
function initiator(op) {
  const by = op.initiatedBy ?? op.operation?.initiatedBy;
  return by?.username ?? (by?.automated ? 'system:auto-sync' : 'unknown');
}

/** The audit row in words; where the stored summary only repeats the type, the event data says more. */
export function describeAuditRow(row) {
  const d = row.data ?? {};
  switch (row.event_type) {
    case 'SyncStatusChanged':
    case 'HealthStatusChanged':
      return `${d.from} -> ${d.to}${d.revision ? ` at ${short(d.revision)}` : ''}${d.message && d.to !== 'Healthy' ? `: ${d.message}` : ''}`;
    case 'SyncOperationStarted':
      return `operation ${String(d.operationId).slice(0, 8)} started: ${d.taskCount} tasks at ${short(d.revision)}`;
    case 'SyncOperationSucceeded':
    case 'SyncOperationFailed':
      return `operation ${String(d.operationId).slice(0, 8)}: ${d.message ?? ''}`;
    default:
      return row.summary && row.summary !== row.event_type ? row.summary : row.event_type;
  }
}

function time(event) {
  const at = eventTime(event);
  return Number.isNaN(at) ? '?' : new Date(at).toISOString().slice(11, 23);
}

/** When the event was recorded (ms since the epoch), NaN when the event says nothing. */
function eventTime(event) {
  const at = event?.recordedAt ?? event?.recorded_at ?? event?.time;
  return at ? new Date(at).getTime() : NaN;
}

function seconds(ms) {
  return Number.isNaN(ms) ? '?' : (ms / 1000).toFixed(1);
}

function truncate(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
