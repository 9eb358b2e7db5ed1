import type { Container, ContainerState, Pod } from '../api/builtin-kinds';
import { containerFate, type ContainerFate } from '../controllers/image-rules';
import { statusErrors, type StatusCause } from '../errors/api-status.error';

/**
 * Pod logs (`GET .../pods/{name}/log`). The sandbox runs no containers, so each container's log is what its
 * simulated kubelet knows to be true: the image it started, when, and how and why it ended under the
 * documented image rules. The query parameters, the container choice and the refusals are the API server's
 * and the kubelet's (pkg/registry/core/pod/strategy.go LogLocation, kubelet validateContainerLogStatus).
 */
export interface PodLogOptions {
  container?: string;
  previous: boolean;
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: number;
  limitBytes?: number;
}

export interface LogLine {
  /** Milliseconds since the epoch. */
  at: number;
  text: string;
}

/** Reads and validates the query as `ValidatePodLogOptions` does (422 `PodLogOptions "name" is invalid`). */
export function parsePodLogOptions(q: URLSearchParams, pod: string): PodLogOptions {
  const causes: StatusCause[] = [];
  const bool = (key: string): boolean => {
    const v = q.get(key);
    if (v === null || v === '' || v === 'false' || v === '0') return false;
    if (v === 'true' || v === '1') return true;
    throw statusErrors.badRequest(`invalid boolean value for ${key}: ${JSON.stringify(v)}`);
  };
  const int = (key: string): number | undefined => {
    const v = q.get(key);
    if (v === null) return undefined;
    if (!/^-?\d+$/.test(v))
      throw statusErrors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  };
  const tailLines = int('tailLines');
  const sinceSeconds = int('sinceSeconds');
  const limitBytes = int('limitBytes');
  const sinceTimeRaw = q.get('sinceTime');
  let sinceTime: number | undefined;
  if (sinceTimeRaw !== null) {
    sinceTime = Date.parse(sinceTimeRaw);
    if (Number.isNaN(sinceTime) || !/^\d{4}-\d{2}-\d{2}T/.test(sinceTimeRaw))
      throw statusErrors.badRequest(`parsing time ${JSON.stringify(sinceTimeRaw)} as RFC3339: cannot parse`);
  }
  const invalid = (field: string, value: number, detail: string) =>
    causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${value}: ${detail}` });
  if (tailLines !== undefined && tailLines < 0)
    invalid('tailLines', tailLines, 'must be greater than or equal to 0');
  if (limitBytes !== undefined && limitBytes < 1) invalid('limitBytes', limitBytes, 'must be greater than 0');
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    invalid('sinceSeconds', sinceSeconds, 'must be greater than 0');
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    causes.push({
      reason: 'FieldValueForbidden',
      field: '',
      message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
  }
  if (causes.length > 0) throw statusErrors.invalid('PodLogOptions', '', pod, causes);
  const container = q.get('container');
  return {
    ...(container ? { container } : {}),
    previous: bool('previous'),
    follow: bool('follow'),
    timestamps: bool('timestamps'),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    ...(sinceTime !== undefined ? { sinceTime } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}

/** LogLocation's choice of container: the only one, the default-container annotation, or a 400 naming them. */
export function logContainer(pod: Pod, requested: string | undefined): Container {
  const name = String(pod.metadata?.['name']);
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const all = [...containers, ...inits];
  if (requested) {
    const found = all.find((c) => c.name === requested);
    if (!found) throw statusErrors.badRequest(`container ${requested} is not valid for pod ${name}`);
    return found;
  }
  if (containers.length === 1) return containers[0]!;
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const byAnnotation = all.find((c) => c.name === annotated);
  if (byAnnotation) return byAnnotation;
  if (containers.length === 0)
    throw statusErrors.badRequest(`a container name must be specified for pod ${name}`);
  let message = `a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`;
  if (inits.length > 0) message += ` or one of the init containers: [${inits.map((c) => c.name).join(' ')}]`;
  throw statusErrors.badRequest(message);
}

/**
 * The log lines of one container run, or the kubelet's refusal (400) when there is no run to read: still
 * waiting to start, or no previous run for `previous=true`. A pod not yet on a node has an empty log.
 */
export function containerLog(pod: Pod, container: Container, previous: boolean): LogLine[] {
  const podName = String(pod.metadata?.['name']);
  const name = String(container.name);
  if (!pod.spec?.nodeName) return [];
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const status = statuses.find((s) => s.name === name);
  const state = status?.state ?? {};
  const last = status?.lastState?.terminated;
  const fate = containerFate(container);
  if (previous) {
    if (!last)
      throw statusErrors.badRequest(`previous terminated container "${name}" in pod "${podName}" not found`);
    return run(container, fate, last, Math.max(0, (status?.restartCount ?? 1) - 1));
  }
  if (state.running) return run(container, fate, state.running, status?.restartCount ?? 0);
  if (state.terminated) return run(container, fate, state.terminated, status?.restartCount ?? 0);
  if (last) return run(container, fate, last, Math.max(0, (status?.restartCount ?? 1) - 1));
  const reason = state.waiting?.reason ?? 'ContainerCreating';
  const why =
    reason === 'ErrImagePull'
      ? "image can't be pulled"
      : reason === 'ImagePullBackOff'
        ? 'trying and failing to pull image'
        : reason;
  throw statusErrors.badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${why}`);
}

/** One run: its start, and its end when it ended, each saying which rule decided it. */
function run(container: Container, fate: ContainerFate, state: ContainerState, restart: number): LogLine[] {
  const started = Date.parse(state.startedAt ?? '');
  const at = Number.isNaN(started) ? 0 : started;
  const lines: LogLine[] = [
    {
      at,
      text: `[sandbox] container "${container.name}" started from image "${container.image}" (run ${restart + 1}; simulated: the sandbox runs no processes)`,
    },
  ];
  if (state.exitCode === undefined) return lines;
  const finished = Date.parse(state.finishedAt ?? '');
  const code = state.exitCode;
  const rule =
    fate === 'crashloop'
      ? ': the crash rule (image tag "crashloop" or env SANDBOX_CRASH=1) makes it exit'
      : fate === 'fails'
        ? ': the failure rule (image tag "fail" or env SANDBOX_FAIL=1) makes it exit'
        : '';
  lines.push({
    at: Number.isNaN(finished) ? at : finished,
    text: `[sandbox] container "${container.name}" exited with code ${code} (${state.reason ?? ''})${rule}`,
  });
  return lines;
}

/** sinceSeconds/sinceTime, tailLines, then timestamps and limitBytes, in the kubelet's order. */
export function renderLog(lines: LogLine[], options: PodLogOptions, now: number): string {
  const since = options.sinceSeconds !== undefined ? now - options.sinceSeconds * 1000 : options.sinceTime;
  let kept = since === undefined ? lines : lines.filter((l) => l.at >= since);
  if (options.tailLines !== undefined) kept = options.tailLines === 0 ? [] : kept.slice(-options.tailLines);
  let text = kept.map((l) => `${options.timestamps ? `${rfc3339Nano(l.at)} ` : ''}${l.text}\n`).join('');
  if (options.limitBytes !== undefined)
    text = Buffer.from(text).subarray(0, options.limitBytes).toString('utf8');
  return text;
}

/** The kubelet's timestamp prefix: RFC 3339 with nanoseconds. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** Whether a followed log can still grow: the container is running (or about to run) in a live pod. */
export function mayGrow(pod: Pod | undefined, container: Container): boolean {
  if (!pod || pod.metadata?.['deletionTimestamp']) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return (pod.spec?.containers ?? []).some((c) => c.name === container.name);
}
