import { randomBytes, randomInt } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** bcrypt's cost as Argo CD's (Go's bcrypt.DefaultCost): hashes are interchangeable with argocd-secret's. */
export const BCRYPT_COST = 10;

/**
 * A bcrypt hash of a random password nobody knows, compared against when the account does not exist or
 * has no password: the answer takes as long as for a real account, so timing does not tell which names exist.
 */
const NOBODY_HASH = bcrypt.hashSync(randomBytes(24).toString('base64'), BCRYPT_COST);

/** Argo CD's initial admin password is 16 characters of these (util/password GenerateRandomPassword). */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Passwords at rest as Argo CD keeps them: bcrypt `$2a$10$...`. */
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_COST);
  }

  /** True when `password` matches `hash`; with no hash, a comparison of the same cost that fails. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? NOBODY_HASH).catch(() => false);
    return hash !== undefined && matches;
  }

  /** A new random password (the admin's initial one). */
  generate(length = 16): string {
    return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  }
}
