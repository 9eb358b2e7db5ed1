// A local HTTP endpoint standing in for Slack/DingTalk: the notifier's `service.webhook.demo`
// posts here, and each message is printed in the terminal as it arrives.
import { createServer } from 'node:http';

/**
 * @param {(message: { trigger?: string, app?: string, revision?: string, text: string }) => void} onMessage
 * @returns {Promise<{ url: string, messages: Array<Record<string, unknown>>, close: () => Promise<void> }>}
 */
export async function startNotificationReceiver(onMessage) {
  const messages = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let message;
      try {
        message = JSON.parse(body);
      } catch {
        message = { text: body };
      }
      messages.push(message);
      onMessage(message);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
