import { describe, expect, it } from '@jest/globals';
import { CliError } from '../http/cli-error';
import { logsQuery, printLogStream } from './app-logs.command';

/** A response body delivering `chunks` as they would come off the socket. */
function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

const entry = (content: string, last = false) => JSON.stringify({ result: { content, podName: 'p', last } });

describe('berth app logs', () => {
  it('prints each entry as it comes, across chunk boundaries, and stops at the last one', async () => {
    const lines: string[] = [];
    const all = `${entry('one')}\n${entry('two')}\n${entry('', true)}\n${entry('after the end')}\n`;
    await printLogStream(body([all.slice(0, 10), all.slice(10, 45), all.slice(45)]), (l) => lines.push(l));
    expect(lines).toEqual(['one', 'two']);
  });

  it('fails with the message of an error line', async () => {
    const broken = `${entry('one')}\n${JSON.stringify({ error: { message: 'pod web-1 is gone' } })}\n`;
    await expect(printLogStream(body([broken]), () => undefined)).rejects.toThrow(CliError);
  });

  it("maps argocd app logs' flags to Argo CD's query", () => {
    expect(logsQuery({ kind: 'Deployment', name: 'web', tail: '5', follow: true })).toMatchObject({
      kind: 'Deployment',
      resourceName: 'web',
      tailLines: '5',
      follow: 'true',
      previous: undefined,
    });
  });
});
