import ipaddr from 'ipaddr.js';

/**
 * Hosts that serve cloud instance metadata (and with it the node's credentials) under a name or an
 * address outside the link-local ranges: GCP's names, Alibaba Cloud's 100.100.100.200 and AWS's IPv6
 * endpoint. The link-local ranges (169.254.0.0/16, fe80::/10) hold the rest (AWS, Azure, GCP, Oracle,
 * DigitalOcean, Tencent: 169.254.169.254 / 169.254.0.23).
 */
export const METADATA_HOSTS: readonly string[] = [
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  '100.100.100.200',
  'fd00:ec2::254',
];

/**
 * Which outbound destinations Berth may connect to on behalf of a user (repository, Helm repository,
 * cluster and notification URLs): everything except link-local addresses and cloud metadata hosts, the
 * classic SSRF targets. Loopback and private ranges stay allowed because on-premises Git servers and
 * clusters live there. An operator who needs one of the refused destinations lists it in
 * `BERTH_OUTBOUND_ALLOW` (CIDRs, addresses or host names; `*.example.com` for a domain).
 */
export class OutboundPolicy {
  private readonly cidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];

  /** Throws `Error` naming the first entry that is neither a CIDR, an address nor a host name. */
  constructor(readonly allow: readonly string[] = []) {
    for (const raw of allow) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      if (ipaddr.isValidCIDR(entry)) this.cidrs.push(ipaddr.parseCIDR(entry));
      else if (ipaddr.isValid(entry)) {
        const address = ipaddr.process(entry);
        this.cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else if (/^\*\.[a-z0-9.-]+$/.test(entry)) this.suffixes.push(entry.slice(1));
      else if (/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(entry)) this.names.add(entry);
      else throw new Error(`"${raw}" is not a CIDR (10.0.0.0/8), an address or a host name (*.example.com)`);
    }
  }

  /**
   * Why a connection to `host` (a name or an address, as in a URL) must not be made, or undefined when
   * it may. Only the name is judged here: names must also be judged by the addresses they resolve to
   * (`refusalOfAddress`).
   */
  refusalOfHost(host: string): string | undefined {
    const name = unbracket(host).toLowerCase().replace(/\.$/, '');
    if (this.allowsName(name)) return undefined;
    if (ipaddr.isValid(name)) return this.refusalOfAddress(name);
    if (METADATA_HOSTS.includes(name)) return `${name} is a cloud metadata host`;
    return undefined;
  }

  /** Why a connection to this resolved address must not be made, or undefined when it may. */
  refusalOfAddress(address: string): string | undefined {
    if (!ipaddr.isValid(unbracket(address))) return `${address} is not an IP address`;
    const parsed = ipaddr.process(unbracket(address));
    if (this.allowsAddress(parsed)) return undefined;
    const shown = parsed.toString();
    if (METADATA_HOSTS.includes(shown)) return `${shown} is a cloud metadata address`;
    if (parsed.range() === 'linkLocal')
      return `${shown} is a link-local address (cloud metadata lives there)`;
    return undefined;
  }

  /** True when the operator allowed this host name explicitly (then its addresses are not judged). */
  allowsName(host: string): boolean {
    const name = unbracket(host).toLowerCase().replace(/\.$/, '');
    return this.names.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix));
  }

  private allowsAddress(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return this.cidrs.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  }
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
