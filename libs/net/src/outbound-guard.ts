import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { OutboundPolicy } from './outbound-policy';

/** A refused outbound destination; `field` names the setting or spec field that holds it. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  readonly code = 'outbound-refused';

  constructor(
    readonly host: string,
    readonly reason: string,
    readonly field?: string,
  ) {
    super(
      `${field ? `${field}: ` : ''}connections to ${host} are refused (${reason}); ` +
        'if this destination is intended, an operator can allow it with BERTH_OUTBOUND_ALLOW (docs/security.md)',
    );
  }
}

export type ResolveAll = (host: string) => Promise<LookupAddress[]>;

const SCP_LIKE = /^(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)/;

/** The host of a URL or of an scp-like Git address (`git@host:org/repo`); undefined for `file:` and the like. */
export function hostOf(target: string): string | undefined {
  const text = target.trim();
  if (!text.includes('://')) return SCP_LIKE.exec(text)?.[1];
  try {
    // WHATWG URL parsing normalises the tricks: 0xa9fea9fe, 2852039166, [::ffff:a9fe:a9fe].
    return new URL(text).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Applies an `OutboundPolicy` where connections are made. Two ways, by what makes the connection:
 * - Berth's own sockets (notification services, Helm index fetches) connect through `lookup`/`fetch`,
 *   which judge every address at connect time, so a name that later resolves elsewhere (DNS rebinding)
 *   gains nothing.
 * - For connections made by another program (git, helm) or a client library we do not build sockets
 *   for (client-node), `assertAllowed` resolves the name first and judges every address it resolves to.
 */
export class OutboundGuard {
  private agent?: Agent;

  constructor(
    readonly policy: OutboundPolicy = new OutboundPolicy(),
    private readonly resolveAll: ResolveAll = defaultResolveAll,
  ) {}

  static fromAllowList(allow: readonly string[]): OutboundGuard {
    return new OutboundGuard(new OutboundPolicy(allow));
  }

  /** Throws `OutboundRefusedError` when `target` (URL, scp-like address or host) may not be reached. */
  async assertAllowed(target: string, field?: string): Promise<void> {
    const host = hostOf(target) ?? target;
    if (!host) return;
    const byName = this.policy.refusalOfHost(host);
    if (byName) throw new OutboundRefusedError(host, byName, field);
    if (this.policy.allowsName(host) || isAddress(host)) return;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolveAll(host.replace(/^\[|\]$/g, ''));
    } catch {
      return; // a name that does not resolve cannot be reached; the caller's own error says so
    }
    for (const { address } of addresses) {
      const refusal = this.policy.refusalOfAddress(address);
      if (refusal) throw new OutboundRefusedError(host, `it resolves to ${refusal}`, field);
    }
  }

  /** A `net.connect` lookup that refuses a name resolving to a refused address. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses;
      if (!this.policy.allowsName(hostname)) {
        for (const { address } of list) {
          const refusal = this.policy.refusalOfAddress(address);
          if (refusal) {
            return callback(
              Object.assign(new OutboundRefusedError(hostname, `it resolves to ${refusal}`), {
                errno: 0,
                syscall: 'lookup',
              }),
              '',
              0,
            );
          }
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };

  /** `fetch` whose connections go through `lookup`; address literals are judged before connecting. */
  readonly fetch = async (input: string | URL, init?: Parameters<typeof undiciFetch>[1]) => {
    const url = new URL(String(input));
    const refusal = this.policy.refusalOfHost(url.hostname);
    if (refusal)
      throw new TypeError('fetch failed', { cause: new OutboundRefusedError(url.hostname, refusal) });
    this.agent ??= new Agent({ connect: { lookup: this.lookup } });
    return undiciFetch(url, { ...init, dispatcher: this.agent });
  };

  async close(): Promise<void> {
    await this.agent?.close();
  }
}

/** An address literal was judged by `refusalOfHost` already: there is nothing to resolve. */
function isAddress(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, '')) !== 0;
}

const lookupAll = promisify(dnsLookup);
async function defaultResolveAll(host: string): Promise<LookupAddress[]> {
  return lookupAll(host, { all: true });
}
