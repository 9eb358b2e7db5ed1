import { DomainError } from '@berth/domain';

/** Bodies arrive as text (see main.ts): curl's --data-binary sends YAML with any content type. */
export function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (body && typeof body === 'object' && Object.keys(body).length > 0) return JSON.stringify(body);
  throw new DomainError('Invalid', 'the request body is empty; send an Application as YAML or JSON');
}
