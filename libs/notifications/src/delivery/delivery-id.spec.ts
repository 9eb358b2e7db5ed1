import { describe, expect, it } from '@jest/globals';
import { deliveryId } from './delivery-id';

describe('deliveryId', () => {
  const base = ['on-sync-succeeded', 0, 'abc123', 'slack', 'deploys'] as const;

  it('is deterministic and safe as a BullMQ job id', () => {
    const id = deliveryId(...base);
    expect(id).toBe(deliveryId(...base));
    expect(id).toMatch(/^ntf-[0-9a-f]{64}$/);
  });

  const variants: Array<[string, string]> = [
    ['trigger', deliveryId('on-sync-failed', 0, 'abc123', 'slack', 'deploys')],
    ['condition', deliveryId('on-sync-succeeded', 1, 'abc123', 'slack', 'deploys')],
    ['oncePer value', deliveryId('on-sync-succeeded', 0, 'def456', 'slack', 'deploys')],
    ['no oncePer', deliveryId('on-sync-succeeded', 0, undefined, 'slack', 'deploys')],
    ['service', deliveryId('on-sync-succeeded', 0, 'abc123', 'dingtalk', 'deploys')],
    ['recipient', deliveryId('on-sync-succeeded', 0, 'abc123', 'slack', 'alerts')],
    ['event position', deliveryId(...base, 42)],
  ];
  it.each(variants)('changes with the %s', (_field, other) => {
    expect(other).not.toBe(deliveryId(...base));
  });

  it('does not confuse field boundaries', () => {
    expect(deliveryId('a:b', 0, undefined, 'c', '')).not.toBe(deliveryId('a', 0, undefined, 'b:c', ''));
    expect(deliveryId('t', 0, '', 's', 'r')).not.toBe(deliveryId('t', 0, undefined, 's', 'r'));
  });
});
