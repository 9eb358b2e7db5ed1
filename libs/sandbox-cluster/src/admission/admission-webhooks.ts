import { randomUUID } from 'node:crypto';
import type { LabelSelector } from '../api/builtin-kinds';
import type { KubeObject } from '../api/resource-type';
import { ApiStatusError, statusErrors } from '../errors/api-status.error';
import { applyJsonPatch } from '../patch/json-patch';
import type { ObjectRegistry, PendingWrite } from '../registry/object-registry';
import { matchesLabelSelectorObject } from '../store/label-selector';
import { isPlainObject } from '../store/object-utils';
import type { AdmissionWebhook, WebhookConfiguration } from './webhook-configuration';
import { postAdmissionReview, WebhookCallError } from './webhook-client';
import { rulesMatch } from './webhook-matching';

/** Who the sandbox says sent a request (it has no authentication beyond one token). */
const SANDBOX_USER = { username: 'sandbox', groups: ['system:masters', 'system:authenticated'] };

interface Invocation {
  configuration: string;
  hook: AdmissionWebhook;
}

interface AdmissionReviewResponse {
  allowed: boolean;
  patch?: unknown[];
  status?: { code?: number; message?: string; reason?: string };
}

/**
 * The API server's admission webhooks for the writes clients send (create, update, patch, server-side
 * apply; dry runs too): every MutatingWebhookConfiguration's matching webhooks in turn (configurations
 * by name), each answering an AdmissionReview v1 over HTTPS, its JSONPatch applied to the object the next
 * one sees; webhooks with `reinvocationPolicy: IfNeeded` called once more when a later one changed the
 * object; then every matching ValidatingWebhookConfiguration webhook. `failurePolicy` decides what a
 * failed call means; a webhook whose `sideEffects` are not None/NoneOnDryRun refuses dry runs. Writes the
 * simulated controllers make (pods of a ReplicaSet, status) are not sent to webhooks.
 */
export class AdmissionWebhooks {
  constructor(private readonly registry: ObjectRegistry) {}

  /** What the webhooks make of a planned write: the object to store, or an ApiStatusError. */
  async admit(write: PendingWrite): Promise<KubeObject> {
    const mutating = this.invocations('MutatingWebhookConfiguration', write, write.object);
    let object = write.object;
    const changedAt: number[] = [];
    for (const [i, invocation] of mutating.entries()) {
      const next = await this.mutate(invocation, write, object);
      if (next !== object) changedAt.push(i);
      object = next;
    }
    const lastChange = Math.max(-1, ...changedAt);
    for (const [i, invocation] of mutating.entries()) {
      if (i >= lastChange || invocation.hook.reinvocationPolicy !== 'IfNeeded') continue;
      object = await this.mutate(invocation, write, object);
    }
    for (const invocation of this.invocations('ValidatingWebhookConfiguration', write, object)) {
      await this.review(invocation, write, object);
    }
    return object;
  }

  /** The webhooks of every configuration of `kind` that select this write, configurations by name. */
  private invocations(kind: string, write: PendingWrite, object: KubeObject): Invocation[] {
    const type = this.registry.types.byKind('admissionregistration.k8s.io/v1', kind);
    if (!type) return [];
    const configurations = this.registry.store
      .list(type)
      .map((c) => c as WebhookConfiguration)
      .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    const out: Invocation[] = [];
    for (const configuration of configurations) {
      for (const hook of configuration.webhooks ?? []) {
        if (!rulesMatch(hook, { operation: write.operation, type: write.type, ...sub(write) })) continue;
        if (!this.namespaceMatches(hook.namespaceSelector, write, object)) continue;
        if (!objectMatches(hook.objectSelector, object, write.live)) continue;
        out.push({ configuration: String(configuration.metadata?.name), hook });
      }
    }
    return out;
  }

  private async mutate(invocation: Invocation, write: PendingWrite, object: KubeObject): Promise<KubeObject> {
    const response = await this.review(invocation, write, object);
    if (!response?.patch || response.patch.length === 0) return object;
    try {
      return applyJsonPatch(
        object,
        response.patch,
        write.type.kind,
        write.type.group,
        write.name,
      ) as KubeObject;
    } catch (err) {
      throw internalError((err as Error).message);
    }
  }

  /** Calls one webhook; undefined when the call failed and `failurePolicy: Ignore` lets the write go on. */
  private async review(
    invocation: Invocation,
    write: PendingWrite,
    object: KubeObject,
  ): Promise<AdmissionReviewResponse | undefined> {
    const { hook } = invocation;
    const name = hook.name ?? '';
    if (write.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun')
      throw statusErrors.badRequest(`admission webhook "${name}" does not support dry run`);
    let response: AdmissionReviewResponse;
    try {
      response = await this.call(hook, write, object);
    } catch (err) {
      if (!(err instanceof WebhookCallError)) throw err;
      if (hook.failurePolicy === 'Ignore') return undefined;
      throw internalError(`failed calling webhook "${name}": ${err.message}`);
    }
    if (!response.allowed) throw rejection(name, response.status);
    return response;
  }

  private async call(
    hook: AdmissionWebhook,
    write: PendingWrite,
    object: KubeObject,
  ): Promise<AdmissionReviewResponse> {
    const url = hook.clientConfig?.url;
    if (!url)
      throw new WebhookCallError(
        'failed to call webhook: the sandbox reaches webhooks by clientConfig.url only (no Services to route to)',
      );
    if (!(hook.admissionReviewVersions ?? []).includes('v1'))
      throw new WebhookCallError(
        `webhook does not accept v1 AdmissionReview (the only version the sandbox sends); admissionReviewVersions: ${JSON.stringify(hook.admissionReviewVersions ?? [])}`,
      );
    const uid = randomUUID();
    const answer = await postAdmissionReview(
      url,
      hook.clientConfig?.caBundle,
      {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: this.request(uid, write, object),
      },
      hook.timeoutSeconds ?? 10,
    );
    return verifyResponse(uid, answer);
  }

  private request(uid: string, write: PendingWrite, object: KubeObject): Record<string, unknown> {
    const { type } = write;
    const kind = { group: type.group, version: type.version, kind: type.kind };
    const resource = { group: type.group, version: type.version, resource: type.plural };
    const dryRun = write.dryRun;
    return {
      uid,
      kind,
      resource,
      ...(write.subresource ? { subResource: write.subresource, requestSubResource: write.subresource } : {}),
      requestKind: kind,
      requestResource: resource,
      name: write.name,
      ...(type.namespaced ? { namespace: write.namespace } : {}),
      operation: write.operation,
      userInfo: SANDBOX_USER,
      object: this.registry.present(type, object),
      oldObject: write.live ? this.registry.present(type, write.live) : null,
      dryRun,
      options: {
        apiVersion: 'meta.k8s.io/v1',
        kind: write.operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions',
        fieldManager: write.fieldManager,
        ...(dryRun ? { dryRun: ['All'] } : {}),
      },
    };
  }

  /**
   * namespaceSelector (apiserver webhook/predicates/namespace): a namespaced object is matched by its
   * namespace's labels, a Namespace by its own; it never excludes other cluster-scoped objects.
   */
  private namespaceMatches(
    selector: LabelSelector | undefined,
    write: PendingWrite,
    object: KubeObject,
  ): boolean {
    if (isEverything(selector)) return true;
    const { type } = write;
    if (type.group === '' && type.kind === 'Namespace')
      return matchesLabelSelectorObject(selector, object.metadata?.labels);
    if (!type.namespaced) return true;
    const nsType = this.registry.types.byKind('v1', 'Namespace')!;
    const namespace = this.registry.store.get(nsType, '', write.namespace);
    return matchesLabelSelectorObject(selector, namespace?.metadata?.labels);
  }
}

function sub(write: PendingWrite): { subresource?: string } {
  return write.subresource ? { subresource: write.subresource } : {};
}

function isEverything(selector: LabelSelector | undefined): boolean {
  return (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  );
}

/** objectSelector matches the new object or the old one (apiserver webhook/predicates/object). */
function objectMatches(
  selector: LabelSelector | undefined,
  object: KubeObject,
  old: KubeObject | undefined,
): boolean {
  if (isEverything(selector)) return true;
  return (
    matchesLabelSelectorObject(selector, object.metadata?.labels) ||
    (old !== undefined && matchesLabelSelectorObject(selector, old.metadata?.labels))
  );
}

/** apiserver webhook/request VerifyAdmissionResponse, for admission.k8s.io/v1. */
function verifyResponse(uid: string, answer: unknown): AdmissionReviewResponse {
  const invalid = (why: string) => new WebhookCallError(`received invalid webhook response: ${why}`);
  if (
    !isPlainObject(answer) ||
    answer['apiVersion'] !== 'admission.k8s.io/v1' ||
    answer['kind'] !== 'AdmissionReview'
  )
    throw invalid(
      `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${isPlainObject(answer) ? `${String(answer['apiVersion'])}, Kind=${String(answer['kind'])}` : typeof answer}`,
    );
  const response = answer['response'];
  if (!isPlainObject(response)) throw invalid('webhook response was absent');
  if (response['uid'] !== uid)
    throw invalid(
      `expected response.uid="${uid}", got "${JSON.stringify(response['uid'] ?? '').replace(/^"|"$/g, '')}"`,
    );
  const patchType = response['patchType'];
  const patchText = response['patch'];
  let patch: unknown[] | undefined;
  if (patchText !== undefined && patchText !== null && patchText !== '') {
    if (patchType === undefined) throw invalid('webhook returned response.patch but not response.patchType');
    if (patchType !== 'JSONPatch')
      throw invalid(`webhook returned invalid response.patchType of ${JSON.stringify(patchType)}`);
    if (typeof patchText !== 'string') throw invalid('response.patch is not base64 bytes');
    try {
      const decoded = JSON.parse(Buffer.from(patchText, 'base64').toString('utf8')) as unknown;
      if (!Array.isArray(decoded)) throw new Error('not a JSON patch array');
      patch = decoded;
    } catch (err) {
      throw new WebhookCallError(`received undecodable patch in webhook response: ${(err as Error).message}`);
    }
  } else if (patchType !== undefined && patchType !== 'JSONPatch') {
    throw invalid(`webhook returned invalid response.patchType of ${JSON.stringify(patchType)}`);
  }
  const status = isPlainObject(response['status'])
    ? (response['status'] as AdmissionReviewResponse['status'])
    : undefined;
  return {
    allowed: response['allowed'] === true,
    ...(patch ? { patch } : {}),
    ...(status ? { status } : {}),
  };
}

/** apiserver webhook/errors ToStatusErr: a denial is at least a 400 and names the webhook. */
function rejection(name: string, status: AdmissionReviewResponse['status']): ApiStatusError {
  const deniedBy = `admission webhook "${name}" denied the request`;
  const code = status?.code !== undefined && status.code >= 400 ? status.code : 400;
  const message = status?.message
    ? `${deniedBy}: ${status.message}`
    : status?.reason
      ? `${deniedBy}: ${status.reason}`
      : `${deniedBy} without explanation`;
  return new ApiStatusError(code, status?.reason ?? '', message);
}

function internalError(message: string): ApiStatusError {
  return new ApiStatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: '', message }],
  });
}
