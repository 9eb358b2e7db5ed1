import { closestMatch } from './edit-distance';
import { childPath, indexPath, type IssueCollector } from './validation-issue';

/**
 * Small combinators that check a parsed YAML/JSON value against the shape of a Kubernetes object and
 * record every problem in an IssueCollector. Null counts as absent, as in Kubernetes' JSON decoding.
 */
export type FieldCheck = (value: unknown, path: string, issues: IssueCollector) => void;

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Quotes a user's string for a message: shortened, and never echoing a password embedded in a URL. */
export function quote(text: string): string {
  const redacted = text.replace(/(\/\/[^/@\s:]*):[^/@\s]*@/g, '$1:***@');
  const short = redacted.length > 80 ? `${redacted.slice(0, 77)}...` : redacted;
  return JSON.stringify(short);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `a string (${quote(value)})`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}

function typeMismatch(
  issues: IssueCollector,
  path: string,
  expected: string,
  value: unknown,
  fix?: string,
): void {
  issues.error(path, `expected ${expected}, got ${describeValue(value)}`, fix);
}

export function string(extra?: (text: string, path: string, issues: IssueCollector) => void): FieldCheck {
  return (value, path, issues) => {
    if (typeof value === 'string') {
      extra?.(value, path, issues);
      return;
    }
    const fix = typeof value === 'number' || typeof value === 'boolean' ? `quote it: "${value}"` : undefined;
    typeMismatch(issues, path, 'a string', value, fix);
  };
}

export const boolean: FieldCheck = (value, path, issues) => {
  if (typeof value === 'boolean') return;
  const fix =
    typeof value === 'string' && /^(true|false)$/i.test(value.trim())
      ? `write ${value.trim().toLowerCase()} without quotes`
      : 'use true or false';
  typeMismatch(issues, path, 'a boolean', value, fix);
};

export function integer(options: { min?: number; meaning?: string } = {}): FieldCheck {
  return (value, path, issues) => {
    if (typeof value === 'number' && Number.isInteger(value)) {
      if (options.min !== undefined && value < options.min) {
        issues.error(
          path,
          `${value} is below the minimum of ${options.min}`,
          options.meaning ?? `use an integer >= ${options.min}`,
        );
      }
      return;
    }
    const fix =
      typeof value === 'string' && /^-?\d+$/.test(value.trim())
        ? `write ${value.trim()} without quotes`
        : undefined;
    typeMismatch(issues, path, 'an integer', value, fix);
  };
}

export function listOf(item: FieldCheck): FieldCheck {
  return (value, path, issues) => {
    if (!Array.isArray(value)) {
      const fix =
        typeof value === 'string' ? `make it a list with one item: [${JSON.stringify(value)}]` : undefined;
      typeMismatch(issues, path, 'a list', value, fix);
      return;
    }
    value.forEach((entry, index) => {
      const entryPath = indexPath(path, index);
      if (entry === null || entry === undefined) {
        issues.error(entryPath, 'empty list item', 'remove the empty "-" line or give it a value');
        return;
      }
      item(entry, entryPath, issues);
    });
  };
}

/** A map whose values must all be strings (labels, annotations, commonLabels ...). */
export const stringMap: FieldCheck = (value, path, issues) => {
  if (!isPlainObject(value)) {
    typeMismatch(issues, path, 'a map of strings', value);
    return;
  }
  for (const [key, entry] of Object.entries(value)) {
    string()(entry, childPath(path, key), issues);
  }
};

/** Any map: content is kept as given and not checked (seed extensions, Helm valuesObject, status). */
export const anyMap: FieldCheck = (value, path, issues) => {
  if (!isPlainObject(value)) typeMismatch(issues, path, 'a map', value);
};

/** Anything at all. */
export const anything: FieldCheck = () => undefined;

/** A field Berth knows but that is not (or not here) an Argo CD field: warned about with a specific hint. */
export interface ForeignField {
  message: string;
  fix: string;
}

export interface ObjectShape {
  fields: Record<string, FieldCheck>;
  /** Required field -> how to fix its absence. */
  required?: Readonly<Record<string, string>>;
  foreign?: Record<string, ForeignField>;
  /** Cross-field rules, run after the fields when the value is a map. */
  rules?: (object: PlainObject, path: string, issues: IssueCollector) => void;
}

/** Checks a map field by field. Unknown fields are warned about with a spelling suggestion and kept. */
export function checkObject(value: unknown, path: string, issues: IssueCollector, shape: ObjectShape): void {
  if (!isPlainObject(value)) {
    typeMismatch(issues, path, 'a map', value);
    return;
  }
  const known = Object.keys(shape.fields);
  for (const [key, entry] of Object.entries(value)) {
    const fieldPath = childPath(path, key);
    // Own keys only: `constructor` or `toString` would otherwise find Object.prototype's functions.
    const check = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
    if (check !== undefined) {
      if (entry !== null && entry !== undefined) check(entry, fieldPath, issues);
      continue;
    }
    const foreign = shape.foreign && Object.hasOwn(shape.foreign, key) ? shape.foreign[key] : undefined;
    if (foreign !== undefined) {
      issues.warn(fieldPath, foreign.message, foreign.fix);
      continue;
    }
    const suggestion = closestMatch(key, known);
    issues.warn(
      fieldPath,
      'unknown field',
      suggestion === undefined
        ? 'it is kept but has no effect'
        : `did you mean ${JSON.stringify(suggestion)}?`,
    );
  }
  for (const [key, fix] of Object.entries(shape.required ?? {})) {
    const entry = value[key];
    if (entry === undefined || entry === null || entry === '') {
      issues.error(childPath(path, key), 'required field is missing', fix);
    }
  }
  shape.rules?.(value, path, issues);
}

export function object(shape: ObjectShape): FieldCheck {
  return (value, path, issues) => checkObject(value, path, issues, shape);
}
