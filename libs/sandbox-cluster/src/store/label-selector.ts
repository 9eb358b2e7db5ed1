import {
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector as parseSelector,
  type LabelRequirement,
} from '@berth/domain';
import type { LabelSelector } from '../api/builtin-kinds';
import { statusErrors } from '../errors/api-status.error';

export type { LabelRequirement };

/**
 * Parses the `labelSelector` query parameter (the domain's parser); a parse error is a 400
 * BadRequest, as on the real API server.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  try {
    return parseSelector(text);
  } catch (err) {
    if (err instanceof LabelSelectorError) {
      throw statusErrors.badRequest(`unable to parse requirement: ${err.message}`);
    }
    throw err;
  }
}

export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  return matchesLabelSelector(requirements, labels ?? {});
}

/** Matches an object's labels against a metav1.LabelSelector (matchLabels + matchExpressions). */
export function matchesLabelSelectorObject(
  selector: LabelSelector | undefined,
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
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: '!exists' });
  }
  return matchesLabels(reqs, labels);
}
