import { describe, expect, it } from '@jest/globals';
import { OutboundPolicy } from './outbound-policy';

describe('OutboundPolicy', () => {
  const policy = new OutboundPolicy();

  it.each([
    ['169.254.169.254', /link-local/],
    ['169.254.0.23', /link-local/],
    ['[fe80::1]', /link-local/],
    ['::ffff:169.254.169.254', /link-local/],
    ['metadata.google.internal', /metadata host/],
    ['METADATA.GOOGLE.INTERNAL.', /metadata host/],
    ['100.100.100.200', /metadata address/],
    ['[fd00:ec2::254]', /metadata address/],
  ])('refuses %s', (host, reason) => {
    expect(policy.refusalOfHost(host)).toMatch(reason);
  });

  it.each(['127.0.0.1', '[::1]', '10.0.0.7', '192.168.1.20', '172.16.0.1', 'github.com', 'git.internal'])(
    'allows %s (loopback, private ranges and names stay reachable)',
    (host) => {
      expect(policy.refusalOfHost(host)).toBeUndefined();
    },
  );

  it('judges resolved addresses the same way', () => {
    expect(policy.refusalOfAddress('169.254.169.254')).toMatch(/link-local/);
    expect(policy.refusalOfAddress('10.1.2.3')).toBeUndefined();
  });

  it('lets an operator re-open a range, an address or a name', () => {
    const relaxed = new OutboundPolicy(['169.254.10.0/24', 'fe80::5', '*.google.internal']);
    expect(relaxed.refusalOfHost('169.254.10.9')).toBeUndefined();
    expect(relaxed.refusalOfHost('169.254.169.254')).toMatch(/link-local/);
    expect(relaxed.refusalOfHost('[fe80::5]')).toBeUndefined();
    expect(relaxed.refusalOfHost('metadata.google.internal')).toBeUndefined();
    expect(relaxed.allowsName('metadata.google.internal')).toBe(true);
  });

  it('refuses an allow-list entry it cannot read, naming it', () => {
    expect(() => new OutboundPolicy(['10.0.0.0/8', 'not a host!'])).toThrow(/"not a host!"/);
  });
});
