import { createHash, randomBytes } from 'node:crypto';
import { decodeKey, SecretBox, SecretBoxError } from '@berth/infra';

/** One HS256 key and the id tokens name it by (`kid`): a hash prefix, as the credentials key's. */
export interface SigningKey {
  kid: string;
  key: Uint8Array;
}

/** Where the stored generated key lives (ServerKeyRepository). */
export interface StoredServerKey {
  storeOnce(candidate: string): Promise<string>;
  replace(value: string): Promise<void>;
}

const PLAIN = 'plain:';

export class ServerKeyError extends Error {
  override readonly name = 'ServerKeyError';
}

/**
 * The keys of session tokens and API keys (Argo CD's `server.secretkey`): the current one signs, it and the
 * previous one verify, so a rotation does not log anybody out (set `BERTH_SERVER_SECRET_KEY` to the new key,
 * `BERTH_SERVER_SECRET_KEY_PREVIOUS` to the old one; drop the old one once the longest token has expired).
 * Without a configured key, the key Berth generated at its first start (stored in Postgres) is the only one.
 */
export class ServerKeyRing {
  private constructor(
    readonly signing: SigningKey,
    private readonly verifying: readonly SigningKey[],
    /** `config` or `generated`: the startup log says which. */
    readonly origin: 'config' | 'generated',
  ) {}

  static fromKeys(
    current: Uint8Array,
    previous: readonly Uint8Array[] = [],
    origin: 'config' | 'generated' = 'config',
  ): ServerKeyRing {
    const signing = signingKey(current);
    return new ServerKeyRing(signing, [signing, ...previous.map(signingKey)], origin);
  }

  /**
   * The configured keys, else the generated one: stored once by the first process to start (sealed with
   * BERTH_SECRET_KEY when that is set) and read by every other.
   */
  static async open(
    config: {
      serverSecretKey: string | undefined;
      serverSecretKeyPrevious: string | undefined;
      secretKey: string | undefined;
      secretKeyPrevious: string | undefined;
    },
    stored: StoredServerKey,
  ): Promise<ServerKeyRing> {
    if (config.serverSecretKey) {
      const previous = config.serverSecretKeyPrevious ? [decodeKey(config.serverSecretKeyPrevious)!] : [];
      return ServerKeyRing.fromKeys(decodeKey(config.serverSecretKey)!, previous, 'config');
    }
    const box = SecretBox.fromConfig(config);
    const fresh = randomBytes(32).toString('base64');
    const value = await stored.storeOnce(box.canSeal ? box.seal(fresh) : `${PLAIN}${fresh}`);
    let key: string;
    if (value.startsWith(PLAIN)) {
      key = value.slice(PLAIN.length);
      // Stored before BERTH_SECRET_KEY was set: seal it now.
      if (box.canSeal) await stored.replace(box.seal(key));
    } else {
      try {
        key = box.open(value);
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        throw new ServerKeyError(
          `the generated token signing key in Postgres cannot be read (${error.message}): set BERTH_SECRET_KEY back to the key it was sealed with, or set BERTH_SERVER_SECRET_KEY (everybody logs in again)`,
        );
      }
    }
    return ServerKeyRing.fromKeys(Buffer.from(key, 'base64'), [], 'generated');
  }

  /** The keys to try for a token naming `kid` (every key when it names none, as Argo CD's tokens). */
  keysFor(kid: string | undefined): readonly SigningKey[] {
    if (kid === undefined) return this.verifying;
    return this.verifying.filter((k) => k.kid === kid);
  }
}

function signingKey(key: Uint8Array): SigningKey {
  return { kid: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/** Re-seals the stored generated key with the current BERTH_SECRET_KEY (`npm run rotate-secrets`). */
export async function resealStoredServerKey(
  box: SecretBox,
  read: () => Promise<string | undefined>,
  stored: StoredServerKey,
): Promise<boolean> {
  const value = await read();
  if (value === undefined || !box.canSeal) return false;
  if (value.startsWith(PLAIN)) {
    await stored.replace(box.seal(value.slice(PLAIN.length)));
    return true;
  }
  if (!box.isStale(value)) return false;
  await stored.replace(box.seal(box.open(value)));
  return true;
}
