import type { Condition, Deployment, ReplicaSet } from '../api/builtin-kinds';
import { nameOf, namespaceOf, type KubeObject } from '../api/resource-type';
import { stableHash } from '../store/object-utils';
import { adoptOrphans } from './adoption';
import {
  CONTROLLER_MANAGER,
  ownerReference,
  setCondition,
  type ControllerContext,
} from './controller-context';

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';

/**
 * Deployment controller (simplified kube-controller-manager deployment/sync.go + progress.go):
 * one ReplicaSet per pod-template hash, new RS scaled up, old ones scaled down once the new pods
 * are ready, and the status/conditions Argo CD's health check reads.
 */
export function reconcileDeployments(
  ctx: ControllerContext,
  progress: Map<string, { key: string; at: number }>,
): void {
  const rsType = ctx.type('apps/v1', 'ReplicaSet');
  for (const d of ctx.pending('apps/v1', 'Deployment') as Deployment[]) {
    if (d.metadata?.['deletionTimestamp']) continue;
    const name = String(d.metadata?.['name']);
    const ns = namespaceOf(d);
    const spec = d.spec ?? {};
    const want = spec.replicas ?? 1;
    const hash = stableHash(spec.template);
    const owned = withAdopted(
      ctx.owned('apps/v1', 'ReplicaSet', d),
      adoptOrphans(ctx, d, 'apps/v1', 'ReplicaSet', spec.selector),
    );
    let current = owned.find((rs) => rs.metadata?.['labels']?.['pod-template-hash'] === hash);
    const maxRevision = Math.max(
      0,
      ...owned
        .filter((rs) => rs !== current)
        .map((rs) => Number(rs.metadata?.['annotations']?.[REVISION] ?? 0)),
    );
    // An old ReplicaSet whose template is the Deployment's again (`kubectl rollout undo`) becomes the newest
    // revision, its former ones kept in revision-history (deployment/util SetNewReplicaSetAnnotations).
    if (current && !spec.paused) current = syncNewReplicaSetAnnotations(ctx, d, current, maxRevision + 1);
    const now = ctx.nowMs();
    const nowText = ctx.time(now);
    if (!current && !spec.paused) {
      const rs: ReplicaSet = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace: ns,
          labels: { ...(spec.template?.metadata?.labels ?? {}), 'pod-template-hash': hash },
          annotations: {
            ...copiedAnnotations(d),
            [REVISION]: String(maxRevision + 1),
            'deployment.kubernetes.io/desired-replicas': String(want),
            'deployment.kubernetes.io/max-replicas': String(want + 1),
          },
          ownerReferences: [ownerReference(d)],
        },
        spec: {
          replicas: spec.strategy?.type === 'Recreate' && owned.length > 0 ? 0 : want,
          selector: {
            ...spec.selector,
            matchLabels: { ...(spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash },
          },
          template: {
            ...spec.template,
            metadata: {
              ...spec.template?.metadata,
              labels: { ...(spec.template?.metadata?.labels ?? {}), 'pod-template-hash': hash },
            },
          },
        },
      };
      try {
        current = ctx.registry.create(rsType, ns, rs, { fieldManager: CONTROLLER_MANAGER });
      } catch {
        continue;
      }
    }
    const olds = owned.filter((rs) => rs !== current && rs.metadata?.['uid'] !== current?.metadata?.['uid']);
    if (current && !spec.paused) {
      // Recreate: every old pod is gone before the new ReplicaSet scales up (deployment/recreate.go).
      const oldsRunning = olds.some((o) => (o.spec?.replicas ?? 0) > 0 || (o.status?.replicas ?? 0) > 0);
      if (spec.strategy?.type === 'Recreate' && oldsRunning) {
        for (const old of olds) if ((old.spec?.replicas ?? 0) !== 0) scale(ctx, d, old, 0);
        if ((current.spec?.replicas ?? 0) !== 0) scale(ctx, d, current, 0);
      } else {
        if ((current.spec?.replicas ?? 0) !== want) scale(ctx, d, current, want);
        const newReady = current.status?.availableReplicas ?? 0;
        if (newReady >= want)
          for (const old of olds) if ((old.spec?.replicas ?? 0) !== 0) scale(ctx, d, old, 0);
      }
      const limit = spec.revisionHistoryLimit ?? 10;
      const idle = olds
        .filter((o) => (o.spec?.replicas ?? 0) === 0 && (o.status?.replicas ?? 0) === 0)
        .sort(
          (a, b) =>
            Number(a.metadata?.['annotations']?.[REVISION] ?? 0) -
            Number(b.metadata?.['annotations']?.[REVISION] ?? 0),
        );
      for (const o of idle.slice(0, Math.max(0, idle.length - limit))) {
        try {
          ctx.registry.delete(rsType, ns, nameOf(o));
        } catch {
          // Already gone.
        }
      }
    }
    const all = [current, ...olds].filter((x): x is ReplicaSet => !!x);
    const sum = (f: 'replicas' | 'readyReplicas' | 'availableReplicas') =>
      all.reduce((n, rs) => n + (rs.status?.[f] ?? 0), 0);
    const replicas = sum('replicas');
    const updated = current?.status?.replicas ?? 0;
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const maxUnavailable = resolvePercent(spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', want, false);
    const rsName = String(current?.metadata?.['name'] ?? `${name}-${hash}`);
    const prev = d.status ?? {};
    let conditions = prev.conditions;
    conditions = setCondition(
      conditions,
      available >= want - maxUnavailable
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
      nowText,
      { update: true },
    );
    const uid = String(d.metadata?.['uid']);
    const key = JSON.stringify([rsName, replicas, updated, ready, available]);
    const last = progress.get(uid);
    if (!last || last.key !== key) progress.set(uid, { key, at: now });
    const complete = updated === want && replicas === want && available === want;
    const deadlineMs = ctx.scaled((spec.progressDeadlineSeconds ?? 600) * 1000);
    const since = progress.get(uid)!.at;
    const prevProgressing = (conditions ?? []).find((c) => c.type === 'Progressing');
    if (spec.paused) {
      conditions = setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentPaused',
          message: 'Deployment is paused',
        },
        nowText,
        { update: true },
      );
    } else if (complete) {
      conditions = setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
        nowText,
        { update: true },
      );
    } else if (
      now - since >= deadlineMs ||
      (prevProgressing?.reason === 'ProgressDeadlineExceeded' && last?.key === key)
    ) {
      conditions = setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
        },
        nowText,
        { update: true },
      );
    } else {
      ctx.wakeAt(since + deadlineMs, d);
      const fresh = !prevProgressing || prevProgressing.message !== `ReplicaSet "${rsName}" is progressing.`;
      conditions = setCondition(
        conditions,
        fresh && updated === 0
          ? {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetCreated',
              message: `Created new replica set "${rsName}"`,
            }
          : {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${rsName}" is progressing.`,
            },
        nowText,
        { update: true },
      );
    }
    const revision = current?.metadata?.['annotations']?.[REVISION];
    const annotations = {
      ...(d.metadata?.['annotations'] ?? {}),
      ...(revision ? { [REVISION]: revision } : {}),
    };
    const withAnnotations = { ...d, metadata: { ...d.metadata, annotations } };
    ctx.writeStatus('apps/v1', 'Deployment', withAnnotations, {
      observedGeneration: d.metadata?.['generation'],
      replicas: replicas || undefined,
      updatedReplicas: updated || undefined,
      readyReplicas: ready || undefined,
      availableReplicas: available || undefined,
      unavailableReplicas: want - available > 0 ? want - available : undefined,
      conditions: orderConditions(conditions),
    });
  }
}

function withAdopted(owned: ReplicaSet[], adopted: ReplicaSet[]): ReplicaSet[] {
  const uids = new Set(owned.map((rs) => rs.metadata?.['uid']));
  return [...owned, ...adopted.filter((rs) => !uids.has(rs.metadata?.['uid']))];
}

/** Deployment annotations a ReplicaSet does not inherit (deployment/util skipCopyAnnotation). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/** The Deployment's own annotations (`kubernetes.io/change-cause` ...), as copied onto its new ReplicaSet. */
function copiedAnnotations(d: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.['annotations'] ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  return out;
}

/**
 * deployment/util SetNewReplicaSetAnnotations on an existing new ReplicaSet: the Deployment's annotations
 * copied, and the revision raised to the newest when it is behind (a rollback), the former one appended
 * to revision-history.
 */
function syncNewReplicaSetAnnotations(
  ctx: ControllerContext,
  d: KubeObject,
  rs: ReplicaSet,
  revision: number,
): ReplicaSet {
  const annotations = rs.metadata?.['annotations'] ?? {};
  const old = annotations[REVISION];
  const history = annotations[REVISION_HISTORY];
  const next = { ...annotations, ...copiedAnnotations(d) };
  if (Number(old ?? 0) < revision) {
    next[REVISION] = String(revision);
    if (old !== undefined) next[REVISION_HISTORY] = history ? `${history},${old}` : old;
  }
  if (Object.entries(next).every(([k, v]) => annotations[k] === v)) return rs;
  try {
    return ctx.registry.update(
      ctx.type('apps/v1', 'ReplicaSet'),
      namespaceOf(rs),
      nameOf(rs),
      { ...rs, metadata: { ...rs.metadata, annotations: next } },
      { fieldManager: CONTROLLER_MANAGER },
    );
  } catch {
    ctx.requeue(d);
    return rs;
  }
}

function scale(ctx: ControllerContext, d: KubeObject, rs: ReplicaSet, replicas: number): void {
  try {
    ctx.registry.update(
      ctx.type('apps/v1', 'ReplicaSet'),
      namespaceOf(rs),
      nameOf(rs),
      { ...rs, spec: { ...rs.spec, replicas } },
      { fieldManager: CONTROLLER_MANAGER },
    );
  } catch {
    // Conflict or gone: try again shortly.
    ctx.requeue(d);
  }
}

/** intstr percentages as in deployment util ResolveFenceposts: surge rounds up, unavailable down. */
export function resolvePercent(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const pct = Number(String(v).replace('%', ''));
  const raw = (pct * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

function orderConditions(conditions: Condition[]): Condition[] {
  const order = ['Available', 'Progressing', 'ReplicaFailure'];
  return [...conditions].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
