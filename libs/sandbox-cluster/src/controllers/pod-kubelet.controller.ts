import type { Container, Pod } from '../api/builtin-kinds';
import { nameOf, namespaceOf } from '../api/resource-type';
import { NODE_NAME, SIM_DELAYS, type ControllerContext } from './controller-context';
import { podFate } from './image-rules';

/**
 * The kubelet of the single simulated node: binds pods to `sandbox-node`, then moves them
 * through Pending -> Running (or ErrImagePull/ImagePullBackOff, CrashLoopBackOff, Succeeded/Failed)
 * on a scaled clock, following the documented image rules.
 */
export function reconcilePods(ctx: ControllerContext): void {
  const podType = ctx.type('v1', 'Pod');
  for (const pod of ctx.pending('v1', 'Pod') as Pod[]) {
    if (pod.metadata?.['deletionTimestamp']) {
      finishTermination(ctx, pod);
      continue;
    }
    if (!pod.spec?.nodeName) {
      try {
        ctx.registry.update(
          podType,
          namespaceOf(pod),
          nameOf(pod),
          { ...pod, spec: { ...pod.spec, nodeName: NODE_NAME } },
          { fieldManager: 'kube-scheduler' },
        );
      } catch {
        // Deleted meanwhile.
      }
      continue;
    }
    const status = podStatus(ctx, pod);
    ctx.writeStatus('v1', 'Pod', pod, status, 'kubelet');
  }
}

/** Containers exit promptly on SIGTERM: the pod goes away after min(grace, 1 s), scaled. */
function finishTermination(ctx: ControllerContext, pod: Pod): void {
  const grace = Number(pod.metadata?.['deletionGracePeriodSeconds'] ?? 0);
  if (grace <= 0) return;
  const since = ctx.seenTerminating(pod);
  const due = since + ctx.scaled(Math.min(grace, 1) * SIM_DELAYS.terminationPerSecond);
  if (ctx.nowMs() < due) {
    ctx.wakeAt(due, pod);
    return;
  }
  try {
    ctx.registry.delete(ctx.type('v1', 'Pod'), namespaceOf(pod), nameOf(pod), {
      gracePeriodSeconds: 0,
    });
  } catch {
    // Already gone.
  }
}

function podStatus(ctx: ControllerContext, pod: Pod): Record<string, unknown> {
  const born = ctx.seen(pod);
  const now = ctx.nowMs();
  const elapsed = now - born;
  const spec = pod.spec ?? {};
  const containers: Container[] = spec.containers ?? [];
  const fate = podFate(containers);
  const start = born + ctx.scaled(SIM_DELAYS.podStart);
  const t = (ms: number) => ctx.time(ms);
  const prev = pod.status ?? {};
  const base: Record<string, unknown> = {
    hostIP: '10.0.0.10',
    hostIPs: [{ ip: '10.0.0.10' }],
    qosClass: qosClass(containers),
    startTime: t(born),
  };
  const scheduled = {
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: t(born),
  };
  if (elapsed < ctx.scaled(SIM_DELAYS.podStart)) {
    ctx.wakeAt(start, pod);
    return {
      ...base,
      phase: 'Pending',
      conditions: [
        {
          type: 'PodReadyToStartContainers',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: t(born),
        },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t(born) },
        notReady('Ready', born, containers, t),
        notReady('ContainersReady', born, containers, t),
        scheduled,
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ContainerCreating' } },
      })),
    };
  }
  const podIP = podIpOf(String(pod.metadata?.['uid']));
  const running = {
    ...base,
    podIP: prev.podIP ?? podIP,
    podIPs: [{ ip: prev.podIP ?? podIP }],
  };
  const initialized = [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: t(start) },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t(born) },
  ];
  const runToCompletion = spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure';
  if (fate === 'unpullable') {
    const backoff = elapsed >= ctx.scaled(SIM_DELAYS.podStart + SIM_DELAYS.imagePullBackOff);
    if (!backoff) ctx.wakeAt(start + ctx.scaled(SIM_DELAYS.imagePullBackOff), pod);
    return {
      ...base,
      phase: 'Pending',
      conditions: [
        ...initialized,
        notReady('Ready', born, containers, t),
        notReady('ContainersReady', born, containers, t),
        scheduled,
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          waiting: backoff
            ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` }
            : { reason: 'ErrImagePull', message: `failed to pull and unpack image "${c.image}": not found` },
        },
      })),
    };
  }
  if (fate === 'crashloop' && !runToCompletion) {
    const loop = crashLoop(now - start, (ms) => ctx.scaled(ms));
    ctx.wakeAt(start + loop.nextCrashAt, pod);
    return {
      ...running,
      phase: 'Running',
      conditions: [
        ...initialized,
        notReady('Ready', start, containers, t),
        notReady('ContainersReady', start, containers, t),
        scheduled,
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: `${c.image}@sha256:${'0'.repeat(64)}`,
        containerID: `containerd://${pod.metadata?.['uid']}-${c.name}`,
        ready: false,
        started: false,
        restartCount: loop.restarts,
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: t(start + loop.lastCrashAt),
            finishedAt: t(start + loop.lastCrashAt),
          },
        },
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${loop.backOffSeconds}s restarting failed container=${c.name} pod=${pod.metadata?.['name']}_${pod.metadata?.['namespace']}(${pod.metadata?.['uid']})`,
          },
        },
      })),
    };
  }
  const finish = start + ctx.scaled(SIM_DELAYS.jobRun);
  if (runToCompletion && now >= finish) {
    const failed = fate === 'fails' || fate === 'crashloop';
    return {
      ...running,
      phase: failed ? 'Failed' : 'Succeeded',
      conditions: [
        { ...initialized[0]!, status: 'False', lastTransitionTime: t(finish) },
        initialized[1],
        {
          type: 'Ready',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: t(finish),
          reason: 'PodCompleted',
        },
        {
          type: 'ContainersReady',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: t(finish),
          reason: 'PodCompleted',
        },
        scheduled,
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: `${c.image}@sha256:${'0'.repeat(64)}`,
        containerID: `containerd://${pod.metadata?.['uid']}-${c.name}`,
        ready: false,
        started: false,
        restartCount: 0,
        state: {
          terminated: failed
            ? { exitCode: 1, reason: 'Error', startedAt: t(start), finishedAt: t(finish) }
            : { exitCode: 0, reason: 'Completed', startedAt: t(start), finishedAt: t(finish) },
        },
      })),
    };
  }
  if (runToCompletion) ctx.wakeAt(finish, pod);
  return {
    ...running,
    phase: 'Running',
    conditions: [
      ...initialized,
      { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: t(start) },
      { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: t(start) },
      scheduled,
    ],
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${pod.metadata?.['uid']}-${c.name}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: t(start) } },
    })),
  };
}

function notReady(
  type: string,
  at: number,
  containers: Container[],
  t: (ms: number) => string,
): Record<string, unknown> {
  return {
    type,
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: t(at),
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]`,
  };
}

function qosClass(containers: Container[]): string {
  const hasAny = containers.some(
    (c) =>
      Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0,
  );
  if (!hasAny) return 'BestEffort';
  const guaranteed = containers.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? l;
    return l.cpu && l.memory && r.cpu === l.cpu && r.memory === l.memory;
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** A stable address in 10.244.0.0/16 from the pod's uid (FNV-1a), so a pod keeps its IP across passes. */
function podIpOf(uid: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) h = Math.imul(h ^ uid.charCodeAt(i), 0x01000193) >>> 0;
  return `10.244.${(h >>> 8) & 0xff}.${((h & 0xff) % 254) + 1}`;
}

/**
 * A crash-looping container on the kubelet's back-off: it exits as soon as it starts, and is started again
 * after 10 s, 20 s, 40 s ... capped at 5 min (each scaled like every delay). `elapsed` and the answers are
 * offsets from the first start: the crashes so far (restartCount), the back-off now, when the last run
 * crashed and when the next one will.
 */
export function crashLoop(
  elapsed: number,
  scaled: (ms: number) => number,
): { restarts: number; backOffSeconds: number; lastCrashAt: number; nextCrashAt: number } {
  let crashAt = 0;
  let restarts = 1;
  let backOff = 10;
  for (;;) {
    const next = crashAt + scaled(backOff * 1000);
    if (elapsed < next || next === crashAt)
      return { restarts, backOffSeconds: backOff, lastCrashAt: crashAt, nextCrashAt: next };
    crashAt = next;
    restarts++;
    backOff = Math.min(backOff * 2, 300);
  }
}
