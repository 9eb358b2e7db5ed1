import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_ADMIN_PASSWORD } from '@berth/testing';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer as createTlsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { BerthCli, listen } from './berth-cli';

// `--insecure` (Argo CD's global flag) against Berth behind TLS with a self-signed certificate (openssl): the
// certificate is refused with what to check, and accepted with --insecure; the context keeps the choice.
let s: TestScheduler;
let tls: Server;
let httpsUrl: string;
let dir: string;
let cli: BerthCli;

beforeAll(async () => {
  s = await startTestScheduler();
  const upstream = new URL(await listen(s.app));
  dir = await mkdtemp(join(tmpdir(), 'berth-cli-tls-'));
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  // A TLS-terminating proxy in front of the scheduler, as an ingress would be.
  tls = createTlsServer(
    { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
    (req, res) => {
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    },
  );
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  httpsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  cli = await BerthCli.create();
}, 60_000);

afterAll(async () => {
  await cli?.close();
  await new Promise((resolve) => tls?.close(resolve));
  await s?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('--insecure', () => {
  it('a self-signed certificate is refused with the fix; --insecure logs in and the context remembers it', async () => {
    const login = ['login', httpsUrl, '--username', 'admin', '--password', TEST_ADMIN_PASSWORD];
    const refused = await cli.run(login);
    expect(refused.code).toBe(11);
    expect(refused.stderr).toContain('pass --insecure to skip verification');
    const accepted = await cli.run([...login, '--insecure']);
    expect(accepted).toMatchObject({ code: 0, stderr: '' });
    // Later commands use the context's server and its insecure choice without the flag.
    const list = await cli.run(['app', 'list']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+CLUSTER\s+NAMESPACE/);
  }, 30_000);
});
