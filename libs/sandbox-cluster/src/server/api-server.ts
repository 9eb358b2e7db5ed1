import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  groups,
  SANDBOX_VERSION,
} from '../api/discovery';
import { openApiV3GroupVersion, openApiV3Root } from '../api/openapi-v3';
import type { LabelSelector, Pod, Workload } from '../api/builtin-kinds';
import { nameOf, namespaceOf, type ResourceType } from '../api/resource-type';
import { ApiStatusError, statusErrors } from '../errors/api-status.error';
import { decodeKubernetesProtobuf } from '../protobuf/kubernetes-protobuf';
import { ProtobufDecodeError } from '../protobuf/protobuf-reader';
import type { AdmissionWebhooks } from '../admission/admission-webhooks';
import type { KubeObject } from '../api/resource-type';
import {
  type DeleteOptions,
  type ObjectRegistry,
  type PendingWrite,
  StaleWriteError,
} from '../registry/object-registry';
import { parseFieldSelector } from '../store/field-selector';
import { parseLabelSelector } from '../store/label-selector';
import { isPlainObject, valueAt } from '../store/object-utils';
import { RequestLog } from './request-log';
import { containerLog, logContainer, mayGrow, parsePodLogOptions, renderLog, type LogLine } from './pod-logs';
import { answerReview } from './review-answers';
import { toTable, wantsTable } from './table-output';
import { serveWatch } from './watch-stream';
import { duplicateJsonFields, parseYamlReportingDuplicates } from '../schema/duplicate-fields';
import { parseFieldValidation } from '../schema/field-validation';
import { warningHeader } from '../schema/warning-header';

export interface ApiServerOptions {
  /** When set, a request carrying a different bearer token is refused with 401. */
  token?: string;
  bookmarkIntervalMs?: number;
  /** Admission webhooks every client write goes through; none when absent. */
  admission?: AdmissionWebhooks;
  /** Where answered requests are recorded (tests). */
  requestLog?: RequestLog;
}

/**
 * Requests the server answered, by what they asked for: `get` (one named object), `list`, `watch`, `write`
 * (any other method) and `other` (discovery, health). For benchmarks: "how many GETs does a refresh cost"
 * counted where a real API server would count them (`GET /sandbox/request-counts`, not a Kubernetes path).
 */
export interface RequestCounts {
  get: number;
  list: number;
  watch: number;
  write: number;
  other: number;
}

interface ResourcePath {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const maxBodyBytes = 8 * 1024 * 1024;
/** A write whose object keeps changing while it is admitted is planned again this many times, then 409. */
const maxWriteAttempts = 5;

/** Pod subresources that need a container runtime: answered with a Status saying the sandbox has none. */
const unsupportedPodSubresources = ['exec', 'attach', 'portforward', 'proxy', 'ephemeralcontainers'];

/** How often a followed log looks for new lines. */
const followPollMs = 200;

/** The Kubernetes REST surface over plain node:http, answering errors as `Status` objects. */
export class ApiServer {
  readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private readonly closers = new Set<() => void>();
  readonly counts: RequestCounts = { get: 0, list: 0, watch: 0, write: 0, other: 0 };

  constructor(
    private readonly registry: ObjectRegistry,
    private readonly options: ApiServerOptions = {},
  ) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const entry = this.options.requestLog?.begin(
        req.method ?? 'GET',
        url,
        req.headers['content-type'],
        req.headers['user-agent'],
      );
      if (entry) {
        loggedBodies.set(req, entry.body);
        res.on('finish', () => entry.status(res.statusCode));
      }
      this.handle(req, res).catch((err) => this.fail(res, err));
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Ends every open watch stream, as an API server does on restart or timeout; returns how many. */
  closeWatches(): number {
    const open = [...this.closers];
    for (const c of open) c();
    return open.length;
  }

  async close(): Promise<void> {
    for (const c of [...this.closers]) c();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    // kubectl (client-go) never sends a bearer token over plain http, so only a wrong token is refused.
    const auth = req.headers.authorization;
    if (this.options.token && auth !== undefined && auth !== `Bearer ${this.options.token}`)
      throw statusErrors.unauthorized();
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      if (path === '/sandbox/request-counts') return this.json(res, 200, this.counts);
      const doc = this.discovery(segments, req);
      if (doc) {
        this.counts.other++;
        return this.json(res, 200, doc);
      }
    }
    const target = this.resolve(segments);
    if (!target) return this.notFoundPlain(res);
    this.count(method, target, url.searchParams);
    await this.dispatch(method, target, url.searchParams, req, res);
  }

  private count(method: string, target: ResourcePath, q: URLSearchParams): void {
    if (method !== 'GET') this.counts.write++;
    else if (target.name) this.counts.get++;
    else if (q.get('watch') === 'true' || q.get('watch') === '1') this.counts.watch++;
    else this.counts.list++;
  }

  private discovery(segments: string[], req: IncomingMessage): unknown {
    const [a, b, c, d] = segments;
    if (segments.length === 0) {
      return {
        paths: [
          '/api',
          '/api/v1',
          '/apis',
          ...groups(this.registry.types).map((g) => `/apis/${g}`),
          '/version',
        ],
      };
    }
    if (a === 'version' && segments.length === 1) return SANDBOX_VERSION;
    if (a === 'healthz' || a === 'livez' || a === 'readyz') return 'ok';
    if (a === 'api' && segments.length === 1) return apiVersions(req.headers.host ?? '127.0.0.1');
    if (a === 'api' && b === 'v1' && segments.length === 2)
      return apiResourceList(this.registry.types, '', 'v1');
    if (a === 'apis' && segments.length === 1) return apiGroupList(this.registry.types);
    if (a === 'apis' && b && segments.length === 2 && groups(this.registry.types).includes(b))
      return apiGroup(this.registry.types, b);
    if (
      a === 'apis' &&
      b &&
      c &&
      segments.length === 3 &&
      this.registry.types.byGroupVersion(b, c).length > 0
    ) {
      return apiResourceList(this.registry.types, b, c);
    }
    if (a === 'openapi' && b === 'v3' && segments.length === 2) return openApiV3Root(this.registry.types);
    if (a === 'openapi' && b === 'v3' && c === 'api' && d && segments.length === 4)
      return openApiV3GroupVersion(this.registry.types, '', d);
    if (a === 'openapi' && b === 'v3' && c === 'apis' && d && segments.length === 5)
      return openApiV3GroupVersion(this.registry.types, d, segments[4]!);
    return undefined;
  }

  private resolve(segments: string[]): ResourcePath | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 4) {
      group = segments[1]!;
      version = segments[2]!;
      rest = segments.slice(3);
    } else return undefined;
    const lookup = (plural: string | undefined) =>
      plural ? this.registry.types.byPlural(group, version, plural) : undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const namespaced = lookup(rest[2]);
      if (namespaced?.namespaced && rest.length <= 5) {
        return {
          type: namespaced,
          namespace: rest[1]!,
          ...(rest[3] ? { name: rest[3] } : {}),
          ...(rest[4] ? { subresource: rest[4] } : {}),
        };
      }
    }
    const type = lookup(rest[0]);
    if (!type || rest.length > 3) return undefined;
    const out: ResourcePath = {
      type,
      ...(rest[1] ? { name: rest[1] } : {}),
      ...(rest[2] ? { subresource: rest[2] } : {}),
    };
    if (out.subresource && !type.subresources.includes(out.subresource)) return undefined;
    return out;
  }

  private async dispatch(
    method: string,
    target: ResourcePath,
    q: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const { type, name, subresource } = target;
    const namespace = target.namespace ?? '';
    if (target.subresource && !type.subresources.includes(target.subresource)) return this.notFoundPlain(res);
    const dryRun = parseDryRun(q);
    const fieldManager = q.get('fieldManager') ?? undefined;
    const ua = req.headers['user-agent'];
    const optionsKind = { POST: 'CreateOptions', PUT: 'UpdateOptions', PATCH: 'PatchOptions' }[method];
    const write = {
      dryRun,
      ...(fieldManager ? { fieldManager } : {}),
      ...(subresource ? { subresource } : {}),
      ...(optionsKind
        ? { fieldValidation: parseFieldValidation(q.get('fieldValidation'), optionsKind) }
        : {}),
    };

    if (type.review) {
      if (method !== 'POST' || name) throw statusErrors.methodNotAllowed(method, type.kind);
      return this.json(res, 201, answerReview(type, await readJson(req), namespace));
    }
    if (!name) {
      if (method === 'GET') {
        const watch = q.get('watch');
        if (watch === 'true' || watch === '1') return this.watch(target, q, req, res);
        const list = this.registry.list(type, target.namespace, {
          ...optional('labelSelector', q.get('labelSelector')),
          ...optional('fieldSelector', q.get('fieldSelector')),
          ...(q.get('limit') ? { limit: Number(q.get('limit')) } : {}),
          ...optional('continue', q.get('continue')),
        });
        const body = {
          kind: `${type.kind}List`,
          apiVersion: this.registry.present(type, {}).apiVersion,
          metadata: {
            resourceVersion: list.resourceVersion,
            ...(list.continue ? { continue: list.continue } : {}),
            ...(list.remainingItemCount !== undefined ? { remainingItemCount: list.remainingItemCount } : {}),
          },
          // Built-in list items carry no kind/apiVersion on a real server (kubernetes#3030); CR items do.
          items: type.builtin ? list.items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest) : list.items,
        };
        if (wantsTable(req.headers.accept))
          return this.json(res, 200, toTable(type, list.items, body.metadata));
        return this.json(res, 200, body);
      }
      if (method === 'POST') {
        const body = await readJson(req);
        const options = { ...write, duplicateFields: await duplicateFieldsOf(req) };
        const { object, warnings } = await this.write(() =>
          this.registry.planCreate(type, namespace, body, options, ua),
        );
        return this.json(res, 201, object, warnings);
      }
      if (method === 'DELETE') {
        const opts = await deleteOptions(req, q);
        const list = this.registry.list(type, target.namespace, {
          ...optional('labelSelector', q.get('labelSelector')),
          ...optional('fieldSelector', q.get('fieldSelector')),
        });
        for (const item of list.items) this.registry.delete(type, namespaceOf(item), nameOf(item), opts);
        return this.json(res, 200, {
          kind: `${type.kind}List`,
          apiVersion: this.registry.present(type, {}).apiVersion,
          metadata: { resourceVersion: String(this.registry.store.resourceVersion) },
          items: [],
        });
      }
      throw statusErrors.methodNotAllowed(method, type.kind);
    }
    if (subresource === 'log') return this.podLog(target, q, req, res);
    if (unsupportedPodSubresources.includes(subresource ?? '')) {
      this.registry.get(type, namespace, name);
      throw statusErrors.notSupportedBySandbox(subresource!, name);
    }
    if (subresource === 'scale') return this.scale(method, target, req, res, write, ua);
    switch (method) {
      case 'GET': {
        const obj = this.registry.get(type, namespace, name);
        if (wantsTable(req.headers.accept))
          return this.json(
            res,
            200,
            toTable(type, [obj], { resourceVersion: obj.metadata?.['resourceVersion'] }),
          );
        return this.json(res, 200, obj);
      }
      case 'PUT': {
        const body = await readJson(req);
        const options = { ...write, duplicateFields: await duplicateFieldsOf(req) };
        const { object, warnings } = await this.write(() =>
          this.registry.planUpdate(type, namespace, name, body, options, ua),
        );
        return this.json(res, 200, object, warnings);
      }
      case 'PATCH': {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        const force = q.get('force');
        const raw = await readBody(req);
        const options = { ...write, ...(force !== null ? { force: force === 'true' || force === '1' } : {}) };
        const { object, created, warnings } = await this.write(() =>
          this.registry.planPatch(type, namespace, name, contentType, raw, options, ua),
        );
        return this.json(res, created ? 201 : 200, object, warnings);
      }
      case 'DELETE': {
        const { body, code } = this.registry.delete(type, namespace, name, await deleteOptions(req, q));
        return this.json(res, code, body);
      }
      default:
        throw statusErrors.methodNotAllowed(method, type.kind);
    }
  }

  /**
   * Plans a write, has the admission webhooks admit it, stores it. The stored object may change while a
   * webhook answers (the controllers keep writing): the write is then planned again from the new object,
   * as the API server's GuaranteedUpdate retries, and 409 Conflict when it keeps changing.
   */
  private async write(
    plan: () => PendingWrite,
  ): Promise<{ object: KubeObject; created: boolean; warnings: string[] }> {
    for (let attempt = 1; ; attempt++) {
      const pending = plan();
      const admitted = this.options.admission ? await this.options.admission.admit(pending) : pending.object;
      try {
        return {
          object: this.registry.commitPending(pending, admitted),
          created: pending.live === undefined,
          warnings: pending.warnings,
        };
      } catch (err) {
        if (!(err instanceof StaleWriteError)) throw err;
        if (attempt >= maxWriteAttempts)
          throw statusErrors.conflict(pending.type.plural, pending.type.group, pending.name);
      }
    }
  }

  /**
   * A container's synthetic log (server/pod-logs.ts). With `follow=true` the answer stays open and gets what
   * the container's later runs add, until it can run no more, the pod goes, or the client hangs up.
   */
  private podLog(target: ResourcePath, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const { type, name } = target;
    const namespace = target.namespace ?? '';
    const options = parsePodLogOptions(q, name ?? '');
    const read = () => this.registry.find(type, namespace, name ?? '');
    const pod = this.registry.get(type, namespace, name ?? '') as Pod;
    const container = logContainer(pod, options.container);
    const text = renderLog(containerLog(pod, container, options.previous), options, Date.now());
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    if (!options.follow || options.previous) {
      res.end(text);
      return;
    }
    res.write(text);
    // Later lines are everything after the lines already sent, whatever tailLines/sinceSeconds cut.
    let sent = containerLog(pod, container, false).length;
    const timer = setInterval(() => {
      const now = read();
      let lines: LogLine[] = [];
      try {
        lines = now ? containerLog(now, container, false) : [];
      } catch {
        // Waiting to start again: nothing new yet.
      }
      if (lines.length > sent) {
        res.write(
          renderLog(
            lines.slice(sent),
            { ...options, tailLines: undefined, sinceSeconds: undefined, sinceTime: undefined },
            Date.now(),
          ),
        );
        sent = lines.length;
      }
      if (!mayGrow(now, container)) stop();
    }, followPollMs);
    const stop = () => {
      clearInterval(timer);
      if (!res.writableEnded) res.end();
    };
    req.on('close', stop);
  }

  /** autoscaling/v1 Scale for `kubectl scale` and HPAs. */
  private async scale(
    method: string,
    target: ResourcePath,
    req: IncomingMessage,
    res: ServerResponse,
    write: { dryRun: boolean; fieldManager?: string },
    ua?: string,
  ): Promise<void> {
    const { type, name } = target;
    const namespace = target.namespace ?? '';
    // The kinds with a scale subresource share these fields (Deployment, ReplicaSet, StatefulSet, CRs).
    type Scalable = Workload<{ replicas?: number; selector?: unknown }, { replicas?: number }>;
    const obj: Scalable = this.registry.get(type, namespace, name!);
    const toScale = (o: Scalable) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata?.['name'],
        namespace: o.metadata?.['namespace'],
        uid: o.metadata?.['uid'],
        resourceVersion: o.metadata?.['resourceVersion'],
        creationTimestamp: o.metadata?.['creationTimestamp'],
      },
      spec: { replicas: o.spec?.replicas ?? 0 },
      status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) },
    });
    if (method === 'GET') return this.json(res, 200, toScale(obj));
    let replicas: unknown;
    if (method === 'PUT') replicas = valueAt(await readJson(req), 'spec', 'replicas');
    else if (method === 'PATCH') {
      const body = JSON.parse(await readBody(req)) as unknown;
      replicas = Array.isArray(body)
        ? valueAt(
            (body as unknown[]).find((op) => valueAt(op, 'path') === '/spec/replicas'),
            'value',
          )
        : valueAt(body, 'spec', 'replicas');
    } else throw statusErrors.methodNotAllowed(method, 'Scale');
    if (typeof replicas !== 'number')
      throw statusErrors.badRequest('spec.replicas is required for a scale update');
    const { object } = this.registry.update(
      type,
      namespace,
      name!,
      { ...obj, spec: { ...obj.spec, replicas } },
      {
        dryRun: write.dryRun,
        // Recorded as the real scale handler records it: an Update entry with subresource "scale".
        subresource: 'scale',
        ...(write.fieldManager ? { fieldManager: write.fieldManager } : {}),
      },
      ua,
    );
    return this.json(res, 200, toScale(object));
  }

  private watch(target: ResourcePath, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const labels = q.get('labelSelector') ? parseLabelSelector(q.get('labelSelector')!) : [];
    const fields = q.get('fieldSelector') ? parseFieldSelector(q.get('fieldSelector')!, target.type) : [];
    const timeout = q.get('timeoutSeconds');
    serveWatch(
      this.registry,
      {
        type: target.type,
        ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
        labels,
        fields,
        ...optional('resourceVersion', q.get('resourceVersion')),
        allowBookmarks: q.get('allowWatchBookmarks') === 'true',
        ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
        bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 1000,
      },
      res,
      (stop) => {
        this.closers.add(stop);
        const done = () => {
          this.closers.delete(stop);
          stop();
        };
        req.on('close', done);
        res.on('close', done);
      },
    );
  }

  private json(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
    const text = JSON.stringify(body);
    if (warnings.length > 0) res.setHeader('Warning', warnings.map(warningHeader));
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private notFoundPlain(res: ServerResponse): void {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const status =
      err instanceof ApiStatusError
        ? err
        : new ApiStatusError(
            500,
            'InternalError',
            `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
          );
    this.json(res, status.code, status.toStatus());
  }
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null ? {} : ({ [key]: value } as Record<K, string>);
}

function parseDryRun(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  if (values.length === 0) return false;
  for (const v of values) {
    if (v !== 'All') {
      throw new ApiStatusError(
        422,
        'Invalid',
        `Invalid dryRun value: dryRun: Unsupported value: "${v}": supported values: "All"`,
        {
          causes: [
            {
              reason: 'FieldValueNotSupported',
              message: `Unsupported value: "${v}": supported values: "All"`,
              field: 'dryRun',
            },
          ],
        },
      );
    }
  }
  return true;
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRaw(req)).toString('utf8');
}

/** Each request's body, read once. */
const bodies = new WeakMap<IncomingMessage, Promise<Buffer>>();
/** Where the request log wants a recorded request's body. */
const loggedBodies = new WeakMap<IncomingMessage, (text: string) => void>();

function readRaw(req: IncomingMessage): Promise<Buffer> {
  let body = bodies.get(req);
  if (!body) {
    body = readAll(req);
    bodies.set(req, body);
  }
  return body;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes)
      throw new ApiStatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 8MiB');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  loggedBodies.get(req)?.(body.toString('utf8'));
  return body;
}

const acceptedBodies = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

async function readJson(req: IncomingMessage): Promise<unknown> {
  const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  if (contentType === 'application/vnd.kubernetes.protobuf') {
    // kubectl's typed commands (create/expose/autoscale, auth) send protobuf: protobuf/kubernetes-messages.ts.
    const raw = await readRaw(req);
    let decoded: unknown;
    try {
      decoded = decodeKubernetesProtobuf(raw);
    } catch (err) {
      // A body the decoder cannot read is the client's 400; anything else is the sandbox's own bug (500).
      if (!(err instanceof ProtobufDecodeError)) throw err;
      throw statusErrors.badRequest(`error decoding protobuf request body: ${err.message}`);
    }
    if (!decoded)
      throw statusErrors.unsupportedMediaType(
        contentType,
        acceptedBodies.filter((t) => !t.includes('protobuf')),
      );
    return decoded;
  }
  if (contentType === 'application/yaml') {
    try {
      return parseYamlReportingDuplicates(await readBody(req)).value;
    } catch (err) {
      throw statusErrors.badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
  }
  if (contentType !== 'application/json' && contentType !== '*/*' && contentType !== '') {
    throw statusErrors.unsupportedMediaType(contentType, acceptedBodies);
  }
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw statusErrors.badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

/** The members a JSON request body names twice, or the keys a YAML one repeats (readJson parsed it already). */
async function duplicateFieldsOf(req: IncomingMessage): Promise<string[]> {
  const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  if (contentType === 'application/yaml') return parseYamlReportingDuplicates(await readBody(req)).duplicates;
  return contentType === 'application/json' ? duplicateJsonFields(await readBody(req)) : [];
}

/** DeleteOptions from the body when present (it wins over query parameters, handlers/delete.go). */
async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const text = (await readBody(req)).trim();
  if (text) {
    const body = JSON.parse(text) as unknown;
    if (!isPlainObject(body)) throw statusErrors.badRequest('DeleteOptions must be a JSON object');
    // null is absent, as Go decodes it into a nil pointer.
    const member = (key: string) => body[key] ?? undefined;
    const [policy, grace, preconditions] = [
      member('propagationPolicy'),
      member('gracePeriodSeconds'),
      member('preconditions'),
    ];
    const orphanDependents = body['orphanDependents'];
    if (
      policy !== undefined &&
      policy !== '' &&
      !(typeof policy === 'string' && ['Foreground', 'Background', 'Orphan'].includes(policy))
    ) {
      throw statusErrors.badRequest(
        `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    if (grace !== undefined && typeof grace !== 'number')
      throw statusErrors.badRequest('gracePeriodSeconds: expected an integer');
    if (preconditions !== undefined && !isPlainObject(preconditions))
      throw statusErrors.badRequest('preconditions: expected an object');
    const uid = valueAt(preconditions, 'uid');
    const resourceVersion = valueAt(preconditions, 'resourceVersion');
    return {
      ...(policy ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] & string } : {}),
      ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
      ...(preconditions
        ? {
            preconditions: {
              ...(typeof uid === 'string' ? { uid } : {}),
              ...(typeof resourceVersion === 'string' ? { resourceVersion } : {}),
            },
          }
        : {}),
      ...(typeof orphanDependents === 'boolean' ? { orphanDependents } : {}),
      dryRun: Array.isArray(body['dryRun']) ? (body['dryRun'] as unknown[]).includes('All') : parseDryRun(q),
    };
  }
  const policy = q.get('propagationPolicy');
  if (policy && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
    throw statusErrors.badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const grace = q.get('gracePeriodSeconds');
  const orphan = q.get('orphanDependents');
  return {
    ...(policy ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] & string } : {}),
    ...(grace ? { gracePeriodSeconds: Number(grace) } : {}),
    ...(orphan !== null ? { orphanDependents: orphan === 'true' } : {}),
    dryRun: parseDryRun(q),
  };
}

/** A selector as text: a metav1.LabelSelector, or the plain label map older kinds use. */
function selectorString(selector: unknown): string {
  if (!isPlainObject(selector)) return '';
  const { matchLabels, matchExpressions } = selector as LabelSelector;
  if (!matchLabels && !matchExpressions)
    return Object.entries(selector)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
  const parts = Object.entries(matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of matchExpressions ?? []) {
    const op = String(e.operator);
    if (op === 'In' || op === 'NotIn')
      parts.push(`${e.key} ${op.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else if (op === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
