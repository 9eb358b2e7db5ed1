import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { decodeKey } from '../config/berth-config';

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  constructor(
    readonly code: 'NoKey' | 'UnknownKey' | 'Corrupt',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Credentials at rest: AES-256-GCM with a random 96-bit IV per value, sealed as
 * `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64). The key id (a hash prefix of the key) lets a
 * rotation decrypt with the previous key while every new write uses the current one:
 * set BERTH_SECRET_KEY to the new key and BERTH_SECRET_KEY_PREVIOUS to the old one, run
 * `npm run rotate-secrets` (re-seals every stored value), then drop the previous key.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string | undefined;

  constructor(currentKey: string | undefined, previousKeys: readonly string[] = []) {
    for (const text of [currentKey, ...previousKeys]) {
      if (!text) continue;
      const key = decodeKey(text);
      if (!key)
        throw new SecretBoxError(
          'NoKey',
          'a secret key is not 32 bytes (base64 or hex); generate one with `openssl rand -base64 32`',
        );
      this.keys.set(keyId(key), key);
    }
    this.currentId = currentKey ? keyId(decodeKey(currentKey)!) : undefined;
  }

  /** The box of `BerthConfig`: the current key, and the previous one while it is being rotated out. */
  static fromConfig(config: {
    secretKey: string | undefined;
    secretKeyPrevious: string | undefined;
  }): SecretBox {
    return new SecretBox(config.secretKey, config.secretKeyPrevious ? [config.secretKeyPrevious] : []);
  }

  get canSeal(): boolean {
    return this.currentId !== undefined;
  }

  seal(plaintext: string): string {
    if (!this.currentId) {
      throw new SecretBoxError(
        'NoKey',
        'storing credentials needs BERTH_SECRET_KEY (32 bytes, base64 or hex); generate one with `openssl rand -base64 32`',
      );
    }
    const key = this.keys.get(this.currentId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      this.currentId,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  open(sealed: string): string {
    const [version, id, iv, tag, ciphertext] = sealed.split(':');
    if (version !== 'v1' || !id || !iv || !tag || ciphertext === undefined) {
      throw new SecretBoxError('Corrupt', 'a stored secret is not in the v1 format; it cannot be read');
    }
    const key = this.keys.get(id);
    if (!key) {
      throw new SecretBoxError(
        'UnknownKey',
        `a stored secret was sealed with key ${id}, which is neither BERTH_SECRET_KEY nor BERTH_SECRET_KEY_PREVIOUS`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError(
        'Corrupt',
        `a stored secret sealed with key ${id} failed authentication (tampered or wrong key)`,
      );
    }
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: string): boolean {
    return sealed.split(':')[1] !== this.currentId;
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
