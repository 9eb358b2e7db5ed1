import { Query, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@berth/domain';
import type { FieldCheck } from '@berth/domain/application/field-checks';
import { closestMatch } from '@berth/domain/application/edit-distance';
import { IssueCollector } from '@berth/domain/application/validation-issue';
import { parseJsonBounded } from '@berth/infra';
import { unsafeValueIssues, unstorableText } from './storable-value';
import type { QueryCheck } from './request-checks';

/** A request body's schema: what it is called in messages, and the check of its parsed value. */
export interface BodySchema<T> {
  kind: string;
  check: FieldCheck;
  /** Never used: carries the type the check guarantees. */
  readonly _type?: T;
}

export function bodySchema<T>(kind: string, check: FieldCheck): BodySchema<T> {
  return { kind, check };
}

/** The body as text: the scheduler reads every body as text (create-scheduler-app.ts). */
export function bodyTextOf(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return '';
}

/**
 * `@Body(new JsonBody(SCHEMA))`: parses a JSON body within the document limits (depth), refuses
 * `__proto__` keys and text Postgres cannot store, then checks it against the endpoint's schema.
 * Every problem comes back at once as a 400 whose `issues` name the field (ValidationFailedError).
 * An empty body is `{}`.
 */
export class JsonBody<T> implements PipeTransform<unknown, T> {
  constructor(private readonly schema: BodySchema<T>) {}

  transform(body: unknown): T {
    const text = bodyTextOf(body).trim();
    const value = text === '' ? {} : parseJsonBounded(text);
    const unsafe = unsafeValueIssues(value);
    if (unsafe.length > 0) throw new ValidationFailedError(this.schema.kind, undefined, unsafe);
    const issues = new IssueCollector();
    this.schema.check(value, '', issues);
    if (issues.errors.length > 0) throw new ValidationFailedError(this.schema.kind, undefined, issues.errors);
    return value as T;
  }
}

/** The query parameters an endpoint takes; each is optional. */
export type QuerySchema = Readonly<Record<string, QueryCheck>>;

/**
 * Checks a query string against the endpoint's parameters: unknown or repeated parameters, and
 * values of the wrong form, are refused with a 400 naming each. Empty parameters count as absent
 * (`?application=` is "any application"). Returns the non-empty parameters.
 */
export class QueryParameters implements PipeTransform<unknown, Record<string, string>> {
  constructor(private readonly schema: QuerySchema) {}

  transform(query: unknown): Record<string, string> {
    const issues = new IssueCollector();
    const known = Object.keys(this.schema);
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
      if (!Object.hasOwn(this.schema, name)) {
        const suggestion = closestMatch(name, known);
        issues.error(
          name,
          'unknown query parameter',
          suggestion !== undefined
            ? `did you mean ${JSON.stringify(suggestion)}?`
            : known.length > 0
              ? `this endpoint takes ${known.join(', ')}`
              : 'this endpoint takes no query parameters',
        );
        continue;
      }
      if (typeof value !== 'string') {
        issues.error(
          name,
          Array.isArray(value) ? 'is given more than once' : 'is not a plain value',
          'pass it once',
        );
        continue;
      }
      if (value === '') continue;
      const why = unstorableText(value);
      if (why) {
        issues.error(name, `the value ${why}`, 'remove it');
        continue;
      }
      const before = issues.errors.length;
      this.schema[name]!(value, name, issues);
      if (issues.errors.length === before) out[name] = value;
    }
    if (issues.errors.length > 0) throw new ValidationFailedError('Query string', undefined, issues.errors);
    return out;
  }
}

/** `@ValidQuery({ upsert: queryBoolean })`: the endpoint's query parameters, checked. */
export const ValidQuery = (schema: QuerySchema = {}) => Query(new QueryParameters(schema));

/**
 * Applied to every path parameter (APP_PIPE): a name or URL with a NUL character reaches Postgres
 * as text it refuses, which was a 500.
 */
export class StorablePathParameter implements PipeTransform<unknown, unknown> {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || typeof value !== 'string') return value;
    const why = unstorableText(value);
    if (why) {
      throw new ValidationFailedError('Path', undefined, [
        { path: metadata.data ?? 'path', message: `the value ${why}`, fix: 'remove it' },
      ]);
    }
    return value;
  }
}
