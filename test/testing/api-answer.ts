import type { ConfigStatus } from '../../apps/notifier/src/notifications-config.source';

/**
 * What Berth's HTTP APIs answer, for specs that read a supertest response. supertest types `body` as `any`;
 * a spec names the answer it expects (`res.body as ApiPage<AuditEntry>`) or reads a refusal through
 * `errorOf`, which checks the shape, so reading the wrong answer fails on what came back.
 */

/** One problem of a refused request (apps/scheduler/src/http/domain-error.filter.ts). */
export interface ApiIssue {
  field: string;
  message: string;
  fix?: string;
}

/** A refusal: `error` is the class of problem, `message` says what to do. */
export interface ApiError {
  error: string;
  message: string;
  issues?: ApiIssue[];
}

/** A page of a listing; `nextCursor` is null (or absent) on the last page. */
export interface ApiPage<T> {
  items: T[];
  nextCursor?: string | null;
}

/** A row of `GET /api/v1/audit`. */
export interface AuditEntry {
  actor: string;
  application: string;
  event_type: string;
  summary: string;
  reason: string | null;
}

/** A registered repository (`/api/v1/repositories`): never its credentials, only whether it has some. */
export interface RepositoryAnswer {
  repo: string;
  name?: string;
  type: string;
  project?: string;
  username?: string;
  credentialType: string;
  hasCredentials: boolean;
  connectionState: Record<string, unknown>;
}

/** A registered cluster (`/api/v1/clusters`). */
export interface ClusterAnswer {
  name: string;
  server: string;
  authType: string;
  project?: string;
  connectionState: { status: string; message?: string; [detail: string]: unknown };
}

/** `GET /api/v1/notifications/config`: the active config's status and the stored version, if any. */
export type NotifierConfigAnswer = ConfigStatus & { databaseVersion: number | null };

/** `PUT /api/v1/notifications/config` accepted: the version it was stored as. */
export type NotifierConfigStored = ConfigStatus & { version: number };

/** `PUT /api/v1/notifications/config` refused (422): each problem names its key. */
export interface NotifierConfigRefusal {
  message: string;
  errors: Array<{ key: string; message: string }>;
}

/** `POST /api/webhook`: the apps a push refreshed; a duplicate delivery says so in `message` (202). */
export interface WebhookAnswer {
  refreshed?: string[];
  message?: string;
}

/**
 * `GET /readyz` (Nest terminus): each indicator by name with its status and what it reports. Terminus's own
 * HealthCheckResult types the reported data as `any`; this keeps it `unknown`.
 */
export interface HealthAnswer {
  status: 'ok' | 'error' | 'shutting_down';
  info?: Record<string, { status: string; [data: string]: unknown }>;
  error?: Record<string, { status: string; [data: string]: unknown }>;
}

/** The body of a refusal; throws (naming the body) when the response is not one. */
export function errorOf(res: { status: number; body: unknown }): ApiError {
  const body = res.body as Partial<ApiError> | null | undefined;
  if (typeof body?.error !== 'string' || typeof body.message !== 'string') {
    throw new Error(`expected an error answer, got HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
  return body as ApiError;
}

/**
 * The warnings an answer carried in `Warning` headers (`299 - "<text>"`, apps/scheduler/src/http/
 * warning-headers.ts): what a create or update stored but ignored. Node joins repeated headers with ", ".
 */
export function warningsOf(res: { headers: Record<string, unknown> }): string[] {
  const header = res.headers['warning'];
  const text = Array.isArray(header) ? header.join(', ') : typeof header === 'string' ? header : '';
  return [...text.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
}

/** The issues of a refusal (empty when it lists none). */
export function issuesOf(res: { status: number; body: unknown }): ApiIssue[] {
  return errorOf(res).issues ?? [];
}
