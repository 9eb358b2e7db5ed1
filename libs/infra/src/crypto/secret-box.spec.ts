import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from './secret-box';

const key = () => randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('round-trips a secret and never stores it in clear', () => {
    const box = new SecretBox(key());
    const sealed = box.seal('ghp_supersecret');
    expect(sealed).not.toContain('ghp_supersecret');
    expect(sealed).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(box.open(sealed)).toBe('ghp_supersecret');
    expect(box.seal('same')).not.toBe(box.seal('same')); // random IV
  });

  it('rotation: values sealed with the previous key still open, and are reported stale', () => {
    const oldKey = key();
    const newKey = key();
    const sealedOld = new SecretBox(oldKey).seal('password');
    const rotated = new SecretBox(newKey, [oldKey]);
    expect(rotated.open(sealedOld)).toBe('password');
    expect(rotated.isStale(sealedOld)).toBe(true);
    expect(rotated.isStale(rotated.seal('password'))).toBe(false);
    expect(() => new SecretBox(newKey).open(sealedOld)).toThrow(
      /neither BERTH_SECRET_KEY nor BERTH_SECRET_KEY_PREVIOUS/,
    );
  });

  it('detects tampering', () => {
    const box = new SecretBox(key());
    const parts = box.seal('password').split(':');
    parts[4] = Buffer.from('x' + Buffer.from(parts[4]!, 'base64').toString('latin1')).toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow(SecretBoxError);
  });

  it('refuses to seal without a key, saying how to make one', () => {
    expect(() => new SecretBox(undefined).seal('x')).toThrow(/BERTH_SECRET_KEY .*openssl rand -base64 32/);
  });
});
