import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The `request` of an AdmissionReview v1, as a webhook receives it. */
export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  name: string;
  namespace?: string;
  operation: string;
  object: Record<string, unknown> & { metadata?: Record<string, unknown> };
  oldObject: (Record<string, unknown> & { metadata?: Record<string, unknown> }) | null;
  dryRun: boolean;
  options?: Record<string, unknown>;
}

/** A webhook's answer: allowed (default true), a JSON patch, a denial status; `raw` is sent as it is. */
export interface AdmissionVerdict {
  allowed?: boolean;
  patch?: Array<Record<string, unknown>>;
  status?: { code?: number; message?: string; reason?: string };
  raw?: unknown;
}

export interface AdmissionWebhookReceiver {
  /** `https://127.0.0.1:<port>/<path>`, for `clientConfig.url`. */
  url(path?: string): string;
  /** Base64 PEM of the receiver's self-signed certificate, for `clientConfig.caBundle`. */
  readonly caBundle: string;
  /** Every AdmissionReview request received, oldest first. */
  readonly reviews: AdmissionRequest[];
  close(): Promise<void>;
}

const run = promisify(execFile);

/**
 * A local HTTPS admission webhook for tests, as a real one runs beside a cluster: a certificate for
 * 127.0.0.1 and localhost made by the `openssl` CLI (node:crypto cannot sign X.509), AdmissionReview v1
 * in, the handler's verdict out (its patch as base64 JSONPatch).
 */
export async function startAdmissionWebhookReceiver(
  handler: (request: AdmissionRequest, path: string) => AdmissionVerdict | Promise<AdmissionVerdict>,
): Promise<AdmissionWebhookReceiver> {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-webhook-'));
  let key: string;
  let cert: string;
  try {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=sandbox-admission-webhook',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    key = await readFile(join(dir, 'key.pem'), 'utf8');
    cert = await readFile(join(dir, 'cert.pem'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const reviews: AdmissionRequest[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: AdmissionRequest };
        reviews.push(review.request);
        const path = new URL(req.url ?? '/', 'https://webhook').pathname;
        const verdict = await handler(review.request, path);
        const body =
          verdict.raw !== undefined
            ? verdict.raw
            : {
                apiVersion: 'admission.k8s.io/v1',
                kind: 'AdmissionReview',
                response: {
                  uid: review.request.uid,
                  allowed: verdict.allowed ?? true,
                  ...(verdict.patch
                    ? {
                        patchType: 'JSONPatch',
                        patch: Buffer.from(JSON.stringify(verdict.patch)).toString('base64'),
                      }
                    : {}),
                  ...(verdict.status ? { status: verdict.status } : {}),
                },
              };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      })().catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: (path = '/mutate') => `https://127.0.0.1:${port}${path}`,
    caBundle: Buffer.from(cert).toString('base64'),
    reviews,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
