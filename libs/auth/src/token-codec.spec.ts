import { describe, expect, it } from '@jest/globals';
import { ServerKeyRing } from './server-key-ring';
import { InvalidTokenError, TokenCodec } from './token-codec';

const key = (fill: number) => Buffer.alloc(32, fill);
const NOW = 1_780_000_000;

describe('tokens: HS256 with a rotatable server key', () => {
  it("signs Argo CD's claims (iss berth) and verifies them", async () => {
    const codec = new TokenCodec(ServerKeyRing.fromKeys(key(1)));
    const token = await codec.sign({ sub: 'alice:login', jti: 'j1', iat: NOW, exp: NOW + 60 });
    expect(await codec.verify(token, NOW + 1)).toEqual({
      iss: 'berth',
      sub: 'alice:login',
      jti: 'j1',
      iat: NOW,
      nbf: NOW,
      exp: NOW + 60,
    });
  });

  it('during a rotation, tokens signed with the previous key still verify; new ones use the current key', async () => {
    const before = new TokenCodec(ServerKeyRing.fromKeys(key(1)));
    const old = await before.sign({ sub: 'ci:apiKey', jti: 'k', iat: NOW });
    const rotating = new TokenCodec(ServerKeyRing.fromKeys(key(2), [key(1)]));
    expect((await rotating.verify(old, NOW)).sub).toBe('ci:apiKey');
    const fresh = await rotating.sign({ sub: 'ci:apiKey', jti: 'k2', iat: NOW });
    await expect(before.verify(fresh, NOW)).rejects.toThrow(/a key this server does not hold/);
    // Once the previous key is dropped, the old token is refused.
    await expect(new TokenCodec(ServerKeyRing.fromKeys(key(2))).verify(old, NOW)).rejects.toThrow(
      InvalidTokenError,
    );
  });

  it.each([
    [
      'expired',
      async (c: TokenCodec) => c.sign({ sub: 'a:login', jti: 'j', iat: NOW - 120, exp: NOW - 60 }),
      /expired/,
    ],
    ['not yet valid', async (c: TokenCodec) => c.sign({ sub: 'a:login', jti: 'j', iat: NOW + 600 }), /nbf/],
    ['without jti', async (c: TokenCodec) => c.sign({ sub: 'a:login', jti: '', iat: NOW }), /jti/],
    ['not a JWT', () => Promise.resolve('hello'), /malformed/],
    [
      'alg none',
      () => Promise.resolve(`${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`),
      /HS256/,
    ],
  ])('refuses a token %s', async (_what, make, message) => {
    const codec = new TokenCodec(ServerKeyRing.fromKeys(key(1)));
    await expect(codec.verify(await make(codec), NOW)).rejects.toThrow(message);
  });
});
