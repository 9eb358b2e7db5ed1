import type { AnyJson } from '../api/json';
import { statusErrors } from '../errors/api-status.error';

export type LabelRequirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | 'notexists' };

/**
 * Parses the `labelSelector` query syntax (equality- and set-based, comma = AND) as
 * described in https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/.
 * A parse error is a 400 BadRequest, as on the real API server.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const term = part.trim();
    if (!term) continue;
    const setMatch = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (setMatch) {
      const values = setMatch[3]!.split(',').map((v) => v.trim());
      requirements.push({ key: checkKey(setMatch[1]!, text), op: setMatch[2] as 'in' | 'notin', values });
      continue;
    }
    const eqMatch = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(term);
    if (eqMatch) {
      const op = eqMatch[2] === '!=' ? 'notin' : 'in';
      requirements.push({ key: checkKey(eqMatch[1]!, text), op, values: [eqMatch[3]!] });
      continue;
    }
    const existsMatch = /^(!?)([^\s!=(),]+)$/.exec(term);
    if (existsMatch) {
      const op = existsMatch[1] ? 'notexists' : 'exists';
      requirements.push({ key: checkKey(existsMatch[2]!, text), op });
      continue;
    }
    throw statusErrors.badRequest(
      `unable to parse requirement: found '${term}', expected a label selector term`,
    );
  }
  return requirements;
}

export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
        return !has || !r.values.includes(l[r.key]!);
    }
  });
}

/** Matches an object's labels against a metav1.LabelSelector (matchLabels + matchExpressions). */
export function matchesLabelSelectorObject(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: AnyJson[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const reqs: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, v]) => ({
    key,
    op: 'in' as const,
    values: [v],
  }));
  for (const e of selector.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: 'notexists' });
  }
  return matchesLabels(reqs, labels);
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function checkKey(key: string, text: string): string {
  if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key)) {
    throw statusErrors.badRequest(
      `unable to parse requirement: invalid label key "${key}" in selector "${text}"`,
    );
  }
  return key;
}
