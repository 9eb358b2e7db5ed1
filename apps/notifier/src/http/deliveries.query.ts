import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type NotificationDeliveriesRepository,
} from '../notification-deliveries.repository';

export { DELIVERY_STATUSES, type DeliveryStatus } from '../notification-deliveries.repository';

export interface DeliveryListQuery {
  application?: string;
  status?: DeliveryStatus;
  limit: number;
  cursor?: string;
}

/** One delivery as the API shows it (no app snapshot: it can be large and is for rendering only). */
export interface DeliveryView {
  id: string;
  application: string;
  trigger: string;
  service: string;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  oncePer: string | null;
  lastResponseCode: number | null;
  lastError: string | null;
  eventPosition: string;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

export interface DeliveryPage {
  items: DeliveryView[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** A bad query parameter, named, with what to send instead. */
export class DeliveryQueryError extends Error {
  readonly code = 'INVALID_DELIVERY_QUERY';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'DeliveryQueryError';
  }
}

export const MAX_PAGE_SIZE = 500;

const PARAMETERS = ['application', 'status', 'limit', 'cursor'];

/**
 * Parses the query string of GET /api/v1/notifications/deliveries. Unknown or repeated parameters
 * and text Postgres cannot store (NUL, broken Unicode) are refused: each was either ignored or a 500.
 */
export function parseDeliveryQuery(raw: Record<string, unknown>): DeliveryListQuery {
  for (const [name, value] of Object.entries(raw)) {
    if (!PARAMETERS.includes(name))
      throw new DeliveryQueryError(
        name,
        `unknown query parameter; this endpoint takes ${PARAMETERS.join(', ')}`,
      );
    if (typeof value !== 'string')
      throw new DeliveryQueryError(name, 'is given more than once; pass it once');
    // eslint-disable-next-line no-control-regex -- matching NUL is the point
    if (/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value))
      throw new DeliveryQueryError(name, 'contains a NUL character or invalid Unicode; remove it');
  }
  const str = (k: string): string | undefined =>
    typeof raw[k] === 'string' && raw[k] !== '' ? raw[k] : undefined;
  const status = str('status');
  if (status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(status))
    throw new DeliveryQueryError('status', `"${status}" is not one of ${DELIVERY_STATUSES.join(', ')}`);
  const limitRaw = str('limit');
  const limit = limitRaw === undefined ? 50 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw new DeliveryQueryError('limit', `"${limitRaw}" must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  const cursor = str('cursor');
  if (cursor !== undefined) decodeCursor(cursor);
  return {
    limit,
    ...(str('application') !== undefined ? { application: str('application') } : {}),
    ...(status !== undefined ? { status: status as DeliveryStatus } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

interface Cursor {
  /** created_at as Postgres prints it: full microsecond precision (a JS Date would round it). */
  t: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** created_at::text as Postgres prints it (DateStyle ISO): anything else may be a time Postgres refuses (a 500). */
const POSTGRES_TIMESTAMPTZ =
  /^(\d{4})-(\d{2})-(\d{2}) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-]\d{2}(:[0-5]\d){0,2}$/;

function isPostgresTimestamp(text: string): boolean {
  const m = POSTGRES_TIMESTAMPTZ.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof c.t === 'string' &&
      typeof c.id === 'string' &&
      isPostgresTimestamp(c.t) &&
      c.id.length <= 256 &&
      !c.id.includes('\u0000')
    )
      return c as Cursor;
  } catch {
    // fall through
  }
  throw new DeliveryQueryError(
    'cursor',
    'is not a cursor this API returned; omit it to start from the newest',
  );
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listDeliveries(
  deliveries: NotificationDeliveriesRepository,
  q: DeliveryListQuery,
): Promise<DeliveryPage> {
  const cursor = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
  const rows = await deliveries.list({
    ...(q.application !== undefined ? { application: q.application } : {}),
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(cursor ? { before: { createdAt: cursor.t, id: cursor.id } } : {}),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      application: r.application,
      trigger: r.trigger,
      service: r.service,
      recipient: r.recipient,
      status: r.status,
      attempts: r.attempts,
      oncePer: r.once_per,
      lastResponseCode: r.last_response_code,
      lastError: r.last_error,
      eventPosition: r.event_position,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      sentAt: r.sent_at ? r.sent_at.toISOString() : null,
    })),
    ...(rows.length > q.limit && last
      ? { nextCursor: encodeCursor({ t: last.created_at_text, id: last.id }) }
      : {}),
  };
}
