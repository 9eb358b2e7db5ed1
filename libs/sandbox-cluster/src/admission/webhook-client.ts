import { request } from 'node:https';

/** Why a webhook could not be called (apiserver webhookutil.ErrCallingWebhook): failurePolicy decides. */
export class WebhookCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookCallError';
  }
}

const maxResponseBytes = 3 * 1024 * 1024;

/**
 * POSTs an AdmissionReview to a webhook's `clientConfig.url` as the API server does: TLS verified against
 * `caBundle` (base64 PEM; the system's roots when empty), `timeoutSeconds` as the request deadline (also
 * sent as `?timeout=`), a JSON answer expected with a 2xx status.
 */
export async function postAdmissionReview(
  url: string,
  caBundle: string | undefined,
  review: unknown,
  timeoutSeconds: number,
): Promise<unknown> {
  const target = new URL(url);
  target.searchParams.set('timeout', `${timeoutSeconds}s`);
  const body = JSON.stringify(review);
  const ca = caBundle ? Buffer.from(caBundle, 'base64').toString('utf8') : undefined;
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
        ...(ca ? { ca } : {}),
        timeout: timeoutSeconds * 1000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxResponseBytes) req.destroy(new Error('response body too large'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status < 200 || status >= 300)
            reject(new Error(`the server responded with HTTP ${status}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', reject);
    req.end(body);
  }).catch((err: unknown) => {
    throw new WebhookCallError(
      `failed to call webhook: Post "${target.toString()}": ${(err as Error).message}`,
    );
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new WebhookCallError(`received invalid webhook response: ${(err as Error).message}`);
  }
}
