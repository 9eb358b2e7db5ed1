/**
 * Kubernetes label selectors in their string form (`env=prod,tier in (web,api),!canary`), as
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/ defines them. Used by the
 * notifier's subscriptions and the sandbox API server's `labelSelector` parameter.
 */
export type LabelRequirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export class LabelSelectorError extends Error {
  readonly code = 'LABEL_SELECTOR_INVALID';
  constructor(
    readonly selector: string,
    detail: string,
  ) {
    super(`invalid label selector "${selector}": ${detail}`);
    this.name = 'LabelSelectorError';
  }
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Parses the string form of a label selector; an empty selector matches everything. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new LabelSelectorError(selector, 'unbalanced parentheses');
  if (current.trim() !== '' || parts.length > 0) parts.push(current);

  return parts.map((raw) => {
    const part = raw.trim();
    if (part === '') throw new LabelSelectorError(selector, 'empty requirement');
    const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (setMatch) {
      const values = setMatch[3]!.split(',').map((v) => v.trim());
      checkKey(selector, setMatch[1]!);
      values.forEach((v) => checkValue(selector, v));
      return { key: setMatch[1]!, op: setMatch[2] as 'in' | 'notin', values };
    }
    const eqMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (eqMatch) {
      checkKey(selector, eqMatch[1]!);
      checkValue(selector, eqMatch[3]!);
      return { key: eqMatch[1]!, op: eqMatch[2] === '!=' ? 'notin' : 'in', values: [eqMatch[3]!] };
    }
    if (part.startsWith('!')) {
      checkKey(selector, part.slice(1).trim());
      return { key: part.slice(1).trim(), op: '!exists' };
    }
    checkKey(selector, part);
    return { key: part, op: 'exists' };
  });
}

function checkKey(selector: string, key: string): void {
  if (!KEY.test(key)) throw new LabelSelectorError(selector, `"${key}" is not a valid label key`);
}

function checkValue(selector: string, value: string): void {
  if (value.length > 63 || !VALUE.test(value))
    throw new LabelSelectorError(selector, `"${value}" is not a valid label value`);
}

export function matchesLabelSelector(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> = {},
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]!);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]!);
    }
  });
}
