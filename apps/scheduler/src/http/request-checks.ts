import {
  describeValue,
  isPlainObject,
  quote,
  type FieldCheck,
  type PlainObject,
} from '@berth/domain/application/field-checks';
import { closestMatch } from '@berth/domain/application/edit-distance';
import { childPath, type IssueCollector } from '@berth/domain/application/validation-issue';
import { unstorableText } from './storable-value';

/**
 * Checks for request bodies and query strings, in the style of the Application validator's field
 * checks (libs/domain/src/application/field-checks.ts), so every 400 has the same `issues` shape.
 * Unlike an Application, where an unknown field is kept with a warning (Argo CD's CRD does the same),
 * a request's unknown field is an error: it is a typo or a feature Berth does not have, and
 * ignoring it would do something else than what the caller asked.
 */

export interface RequestShape {
  fields: Readonly<Record<string, FieldCheck>>;
  /** Required field -> how to fix its absence. */
  required?: Readonly<Record<string, string>>;
  /** Cross-field rules, run when every field has its type. */
  rules?: (object: PlainObject, path: string, issues: IssueCollector) => void;
}

/** A map with exactly these fields. `null` counts as absent (Argo CD's UI sends null for unset fields). */
export function requestObject(shape: RequestShape): FieldCheck {
  return (value, path, issues) => {
    if (!isPlainObject(value)) {
      issues.error(path, `expected a JSON object, got ${describeValue(value)}`);
      return;
    }
    const known = Object.keys(shape.fields);
    const before = issues.errors.length;
    for (const [key, entry] of Object.entries(value)) {
      const fieldPath = childPath(path, key);
      if (!Object.hasOwn(shape.fields, key)) {
        const suggestion = closestMatch(key, known);
        issues.error(
          fieldPath,
          'unknown field',
          suggestion === undefined
            ? `the fields are ${known.join(', ')}`
            : `did you mean ${JSON.stringify(suggestion)}?`,
        );
        continue;
      }
      if (entry !== null && entry !== undefined) shape.fields[key]!(entry, fieldPath, issues);
    }
    for (const [key, fix] of Object.entries(shape.required ?? {})) {
      const entry = value[key];
      if (entry === undefined || entry === null || entry === '')
        issues.error(childPath(path, key), 'required field is missing', fix);
    }
    if (issues.errors.length === before) shape.rules?.(value, path, issues);
  };
}

/** A string of at most `maxLength` characters that Postgres can store, optionally matching `pattern`. */
export function text(options: { maxLength?: number; pattern?: RegExp; fix?: string } = {}): FieldCheck {
  const maxLength = options.maxLength ?? 1024;
  return (value, path, issues) => {
    if (typeof value !== 'string') {
      issues.error(path, `expected a string, got ${describeValue(value)}`);
      return;
    }
    const why = unstorableText(value);
    if (why) issues.error(path, `the value ${why}`, 'remove it');
    else if (value.length > maxLength)
      issues.error(path, `is ${value.length} characters long; the limit is ${maxLength}`);
    else if (options.pattern && !options.pattern.test(value))
      issues.error(path, `${quote(value)} is not valid`, options.fix);
  };
}

/** A credential. Like `text`, but no message ever repeats the value, not even a piece of it. */
export function secretText(maxLength = 64 * 1024): FieldCheck {
  return (value, path, issues) => {
    if (typeof value !== 'string') {
      issues.error(
        path,
        `expected a string, got ${typeof value === 'object' ? describeValue(value) : typeof value}`,
      );
      return;
    }
    const why = unstorableText(value);
    if (why) issues.error(path, `the value ${why}`, 'remove it');
    else if (value.length > maxLength)
      issues.error(path, `is ${value.length} characters long; the limit is ${maxLength}`);
  };
}

/** A list of at most `maxItems` entries, each checked by `item`. */
export function list(item: FieldCheck, maxItems = 1000): FieldCheck {
  return (value, path, issues) => {
    if (!Array.isArray(value)) {
      issues.error(path, `expected a list, got ${describeValue(value)}`);
      return;
    }
    if (value.length > maxItems) {
      issues.error(path, `has ${value.length} entries; the limit is ${maxItems}`);
      return;
    }
    value.forEach((entry, index) => item(entry, `${path}[${index}]`, issues));
  };
}

/** An Argo CD field Berth does not implement: accepted only at a value that asks for nothing Berth lacks. */
export function unsupported(what: string, harmless: (value: unknown) => boolean = () => false): FieldCheck {
  return (value, path, issues) => {
    if (!harmless(value)) issues.error(path, `not supported by Berth: ${what}`, 'remove it');
  };
}

/** One query parameter's value (a string; absent and empty parameters are not checked). */
export type QueryCheck = (value: string, name: string, issues: IssueCollector) => void;

export const queryBoolean: QueryCheck = (value, name, issues) => {
  if (value !== 'true' && value !== 'false')
    issues.error(name, `${quote(value)} is not a boolean`, 'use true or false');
};

export function queryEnum(values: readonly string[]): QueryCheck {
  return (value, name, issues) => {
    if (values.includes(value)) return;
    const suggestion = closestMatch(value, values);
    issues.error(
      name,
      `${quote(value)} is not one of ${values.join(', ')}`,
      suggestion ? `did you mean ${JSON.stringify(suggestion)}?` : undefined,
    );
  };
}

export function queryInteger(min: number, max: number): QueryCheck {
  return (value, name, issues) => {
    const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      issues.error(name, `${quote(value)} must be a whole number from ${min} to ${max}`);
  };
}

export function queryText(maxLength = 1024): QueryCheck {
  return (value, name, issues) => {
    if (value.length > maxLength)
      issues.error(name, `is ${value.length} characters long; the limit is ${maxLength}`);
  };
}

/** A value of at most `maxLength` characters matching `pattern`; `fix` says what the value should look like. */
export function queryPattern(pattern: RegExp, maxLength: number, fix: string): QueryCheck {
  return (value, name, issues) => {
    if (value.length > maxLength)
      issues.error(name, `is ${value.length} characters long; the limit is ${maxLength}`, fix);
    else if (!pattern.test(value)) issues.error(name, `${quote(value)} is not valid`, fix);
  };
}

// RFC 3339 date-time, or a full date (midnight UTC). Years 0001-9999: what both JS and Postgres hold.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2}))?$/;

/** Parses an RFC 3339 time (or date) within years 1-9999; undefined when it is not one. */
export function parseRfc3339(value: string): Date | undefined {
  const match = RFC3339.exec(value);
  if (!match || match[1] === '0000') return undefined;
  const date = new Date(match[4] === undefined ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export const queryTime: QueryCheck = (value, name, issues) => {
  if (parseRfc3339(value) === undefined)
    issues.error(
      name,
      `${quote(value)} is not a time`,
      'use RFC 3339 with a year from 0001 to 9999, e.g. 2026-11-24T00:00:00Z or 2026-11-24',
    );
};

/** A position in the event log (Postgres bigint), as `nextCursor` gives it. */
export const queryPosition: QueryCheck = (value, name, issues) => {
  if (!/^\d{1,19}$/.test(value) || BigInt(value) > 9223372036854775807n)
    issues.error(name, `${quote(value)} is not a cursor`, 'pass the nextCursor value of the previous page');
};
