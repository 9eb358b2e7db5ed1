import type { Issue } from '@berth/domain';

// A NUL, or half of a UTF-16 surrogate pair: Postgres refuses both in text and jsonb (a 500 if unchecked).
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why Postgres cannot store this text, or undefined when it can. */
export function unstorableText(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  return match[0] === '\u0000'
    ? 'contains a NUL character (\\u0000)'
    : 'contains half of a UTF-16 surrogate pair (invalid Unicode)';
}

/**
 * Problems no request body may have, whatever its schema: a `__proto__` key (prototype pollution
 * in any code that copies the object with assignment) and text Postgres cannot store. Iterative;
 * the value's depth is already bounded by the parser (DocumentLimits).
 */
export function unsafeValueIssues(value: unknown, maxIssues = 20): Issue[] {
  const issues: Issue[] = [];
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0 && issues.length < maxIssues) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      const why = unstorableText(node);
      if (why) issues.push({ path, message: `the value ${why}`, fix: 'remove it' });
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
      continue;
    }
    for (const [key, item] of Object.entries(node)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (key === '__proto__') {
        issues.push({ path: child, message: 'the key __proto__ is not allowed', fix: 'remove it' });
        continue;
      }
      const why = unstorableText(key);
      if (why) {
        issues.push({ path: path || '(root)', message: `a key ${why}`, fix: 'rename it' });
        continue;
      }
      stack.push([item, child]);
    }
  }
  return issues;
}
