import { describe, expect, it } from '@jest/globals';
import type { ResourceRow } from '../format/resource-rows';
import { progressView } from './progress-view';

const row = (health: string): ResourceRow => ({
  group: 'apps',
  kind: 'Deployment',
  namespace: 'web',
  name: 'ui',
  status: 'Synced',
  health,
  hook: '',
  message: 'deployment.apps/ui created',
});

/** A stream that records what is written; `isTTY` as a terminal or a pipe. */
function stream(isTTY: boolean) {
  const s = {
    isTTY,
    columns: 120,
    rows: 40,
    text: '',
    write: (t: string) => ((s.text += t), true),
    on() {},
    removeListener() {},
  };
  return s;
}

describe('progress view', () => {
  it('on a terminal redraws the table in place, statuses coloured unless NO_COLOR', () => {
    const tty = stream(true);
    const view = progressView(tty as unknown as NodeJS.WriteStream, {});
    view.update({
      rows: [row('Progressing')],
      operation: { phase: 'Running' },
      waiting: 'operation: Running',
    });
    view.update({ rows: [row('Healthy')], operation: { phase: 'Succeeded' } });
    view.done();
    expect(tty.text).toContain('\u001b[36mProgressing\u001b[0m');
    expect(tty.text).toContain('\u001b[1A'); // cursor up: the second frame replaced the first
    expect(tty.text).toContain('Waiting for operation: Running');

    const plain = stream(true);
    const noColour = progressView(plain as unknown as NodeJS.WriteStream, { NO_COLOR: '1' });
    noColour.update({ rows: [row('Healthy')] });
    expect(plain.text).not.toContain('\u001b[32m');
  });

  it("elsewhere prints Argo CD's header once, then a line per change and what it waits for", () => {
    const pipe = stream(false);
    const view = progressView(pipe as unknown as NodeJS.WriteStream, {});
    view.update({ rows: [], waiting: 'operation: requested' });
    view.update({ rows: [row('Progressing')], waiting: 'operation: requested' });
    view.update({ rows: [row('Progressing')] });
    view.update({ rows: [row('Healthy')] });
    const lines = pipe.text.trim().split('\n');
    expect(lines[0]).toBe('TIMESTAMP  GROUP  KIND  NAMESPACE  NAME  STATUS  HEALTH  HOOK  MESSAGE');
    expect(lines[1]).toBe('waiting for operation: requested');
    expect(lines.slice(2).map((l) => l.split('  ').slice(5, 7).join(' '))).toEqual([
      'Synced Progressing',
      'Synced Healthy',
    ]);
    expect(pipe.text).not.toContain('\u001b[');
  });
});
