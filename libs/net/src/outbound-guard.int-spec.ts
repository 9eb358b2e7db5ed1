import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hostOf, OutboundGuard, OutboundRefusedError } from './outbound-guard';
import { OutboundPolicy } from './outbound-policy';

describe('OutboundGuard', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads the host of URLs, scp-like Git addresses and the numeric forms of an address', () => {
    expect(hostOf('https://github.com/org/repo.git')).toBe('github.com');
    expect(hostOf('git@169.254.169.254:org/repo.git')).toBe('169.254.169.254');
    expect(hostOf('http://0xa9fea9fe/latest')).toBe('169.254.169.254');
    expect(hostOf('http://2852039166/')).toBe('169.254.169.254');
    expect(hostOf('file:///tmp/repo')).toBeUndefined();
  });

  it('refuses metadata addresses however they are written, before connecting', async () => {
    const guard = new OutboundGuard();
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://0xa9fea9fe/',
      'http://[::ffff:169.254.169.254]/',
      'git@169.254.169.254:org/repo.git',
      'https://metadata.google.internal/computeMetadata/v1/',
    ]) {
      await expect(guard.assertAllowed(url, 'spec.source.repoURL')).rejects.toThrow(OutboundRefusedError);
    }
    await expect(guard.assertAllowed('http://169.254.169.254/', 'server')).rejects.toThrow(
      /^server: connections to 169.254.169.254 are refused .*BERTH_OUTBOUND_ALLOW/,
    );
  });

  it('refuses a name that resolves to a link-local address', async () => {
    const guard = new OutboundGuard(new OutboundPolicy(), async () => [
      { address: '10.0.0.1', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ]);
    await expect(guard.assertAllowed('https://innocent.example.com/repo.git')).rejects.toThrow(
      /innocent.example.com .*resolves to 169.254.169.254/,
    );
  });

  it('lets loopback, private and allowed destinations through, and fetches over loopback', async () => {
    const guard = new OutboundGuard();
    await guard.assertAllowed(`http://127.0.0.1:${port}/`);
    await guard.assertAllowed(`http://localhost:${port}/`);
    const res = await guard.fetch(`http://localhost:${port}/`);
    expect(await res.text()).toBe('ok');
    await guard.close();
  });

  it('fetch refuses an address literal without connecting', async () => {
    const guard = new OutboundGuard();
    const failure = await guard.fetch('http://169.254.169.254/').catch((e: unknown) => e);
    expect((failure as Error).cause).toBeInstanceOf(OutboundRefusedError);
  });

  it('the connect-time lookup refuses a name whose address is refused', async () => {
    // What undici calls for every connection: resolving an address literal returns it unchanged.
    const guard = new OutboundGuard();
    const refused = await new Promise<Error | null>((resolve) =>
      guard.lookup('169.254.169.254', { all: true }, (err) => resolve(err)),
    );
    expect(refused).toBeInstanceOf(OutboundRefusedError);
  });
});
