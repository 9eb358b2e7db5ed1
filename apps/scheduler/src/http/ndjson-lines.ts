import type { Response } from 'express';

/**
 * Starts a grpc-gateway-style stream: 200, JSON lines, no caching, and no buffering by proxies (nginx would
 * otherwise hold the lines back).
 */
export function openLineStream(res: Response): void {
  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
}

/**
 * Writes one `{"result": value}` line, waiting while the socket is full; refuses once the client is gone, so
 * the producer stops instead of buffering for nobody.
 */
export function writeResultLine(res: Response, value: unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (res.writableEnded || res.destroyed) {
      reject(new Error('the client left'));
      return;
    }
    if (res.write(`${JSON.stringify({ result: value })}\n`)) {
      resolve();
      return;
    }
    const settle = () => {
      res.off('drain', settle);
      res.off('close', settle);
      if (res.destroyed) reject(new Error('the client left'));
      else resolve();
    };
    res.on('drain', settle);
    res.on('close', settle);
  });
}
