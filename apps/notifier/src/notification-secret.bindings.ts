import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import {
  type ConfigIssue,
  type NotificationsConfig,
  type SecretReference,
  serviceDestinations,
} from '@berth/notifications';
import type { EntityManager } from 'typeorm';
import type {
  NotificationSecretBindingsRepository,
  SecretBinding,
} from './notification-secret-bindings.repository';
import type { NotificationSecrets } from './notification-secret.store';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** Bindings a config would write once accepted: secrets provided anew, pinned to where it sends them. */
export interface BindingPlan {
  bindings: Array<{ key: string; hosts: string[] }>;
}

export interface BindingCheck {
  issues: ConfigIssue[];
  plan: BindingPlan;
}

/**
 * Which hosts each notification secret may be sent to. The rule (docs/security.md): a secret is bound to the
 * hosts of the services that use it in the first config the notifier accepts after being given that value;
 * a later config that sends it to another host is refused (the last good config stays) unless it comes with
 * the secret: a new value, or the value itself sent along with the change (`X-Berth-Notifications-Secret`).
 * So an editor of the notifications config, who is not trusted with the secrets, cannot point `$slack-token`
 * at a host of their own. Bindings live in Postgres, so restarts and replicas agree; the value is kept
 * only as a salted scrypt digest, to tell a new value from the bound one.
 */
export class NotificationSecretBindings {
  private rows = new Map<string, SecretBinding>();
  /** Keys whose current value no binding covers yet: the next accepted config binds them. */
  private readonly fresh = new Set<string>();
  /** Keys whose value was compared with its binding in this process (values do not change while it runs). */
  private readonly verified = new Set<string>();

  constructor(
    private readonly repository: NotificationSecretBindingsRepository,
    private readonly secrets: NotificationSecrets,
  ) {}

  /** Reads the bindings and finds the secrets provided anew (every one, also those no service uses yet). */
  async start(): Promise<void> {
    await this.refresh();
    for (const [key, value] of this.secrets.entries()) await this.verify(key, value);
  }

  /** Re-reads the bindings: another replica may have re-bound a secret. */
  async refresh(): Promise<void> {
    this.rows = new Map((await this.repository.list()).map((b) => [b.key, b]));
  }

  /**
   * Where `config` would send each secret, against the bindings. `resupplied`: names of secrets whose value
   * came with this change; they are re-bound to this config's hosts.
   */
  async check(
    references: readonly SecretReference[],
    config: NotificationsConfig,
    resupplied: ReadonlySet<string> = new Set(),
  ): Promise<BindingCheck> {
    const issues: ConfigIssue[] = [];
    const bindable = new Map<string, Set<string>>();
    for (const key of this.fresh) bindable.set(key, new Set());
    for (const name of resupplied) bindable.set(this.secrets.keyOf(name), new Set());
    for (const ref of references) {
      const key = this.secrets.keyOf(ref.secret);
      const value = this.secrets(ref.secret);
      if (value === undefined) continue; // the parser reported the unresolved reference
      await this.verify(key, value);
      if (this.fresh.has(key) && !bindable.has(key)) bindable.set(key, new Set());
      const service = config.services[ref.service];
      const destinations = service ? serviceDestinations(service) : [];
      const rebinding = bindable.get(key);
      if (rebinding) {
        for (const host of destinations) rebinding.add(host);
        continue;
      }
      const bound = this.rows.get(key)?.hosts ?? [];
      for (const host of destinations.filter((h) => !bound.includes(h))) {
        issues.push({
          key: ref.serviceKey,
          message:
            `would send secret $${ref.secret} to ${host}, but $${ref.secret} is bound to ` +
            `${bound.length > 0 ? bound.join(', ') : 'no host (no service used it when it was provided)'}; ` +
            'a config change may not route a secret to a new host: change it back, or provide the secret ' +
            `again (a new value, or PUT with the header X-Berth-Notifications-Secret: ${ref.secret}=<value>), see docs/security.md`,
        });
      }
    }
    return {
      issues,
      plan: { bindings: [...bindable].map(([key, hosts]) => ({ key, hosts: [...hosts].sort() })) },
    };
  }

  /** Writes the bindings of an accepted config (in the caller's transaction, when it has one). */
  async commit(plan: BindingPlan, boundBy: string, manager?: EntityManager): Promise<void> {
    for (const { key, hosts } of plan.bindings) {
      const value = this.valueOf(key);
      if (value === undefined) continue;
      const binding: SecretBinding = { key, valueDigest: await digestOf(value), hosts };
      await this.repository.bind(binding, boundBy, manager);
      this.rows.set(key, binding);
      this.fresh.delete(key);
    }
  }

  private valueOf(key: string): string | undefined {
    const listed = this.secrets.entries().find(([k]) => k === key);
    return listed ? listed[1] : this.secrets(key);
  }

  private async verify(key: string, value: string): Promise<void> {
    if (this.verified.has(key)) return;
    this.verified.add(key);
    const row = this.rows.get(key);
    if (!row || !(await digestMatches(value, row.valueDigest))) this.fresh.add(key);
  }
}

/** `scrypt$<salt>$<hash>` (base64): a stolen database does not give a weak secret away cheaply. */
async function digestOf(value: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(value, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

async function digestMatches(value: string, digest: string): Promise<boolean> {
  const [scheme, salt, hash] = digest.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(value, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}
