import { describe, expect, it } from '@jest/globals';
import { ApiStatusError } from '../errors/api-status.error';
import { matchesLabels, matchesLabelSelectorObject, parseLabelSelector } from './label-selector';

const labels = { app: 'web', tier: 'frontend', 'app.kubernetes.io/part-of': 'shop' };

describe('labelSelector query syntax', () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app in (web,api)', true],
    ['app in (api, db)', false],
    ['app notin (api,db)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=web,tier=frontend', true],
    ['app=web,tier=backend', false],
    ['app.kubernetes.io/part-of=shop', true],
    ['', true],
  ])('%s -> %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(['app=(web', 'app in web', '=web', 'a b'])('refuses %s with a 400', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(ApiStatusError);
    try {
      parseLabelSelector(selector);
    } catch (err) {
      expect((err as ApiStatusError).code).toBe(400);
    }
  });
});

describe('metav1.LabelSelector objects', () => {
  it.each([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'api' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'DoesNotExist' }] }, true],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
  ])('%j -> %s', (selector, expected) => {
    expect(matchesLabelSelectorObject(selector, labels)).toBe(expected);
  });
});
