import type { ApiClient } from '../http/api-client';
import type { Application, RecordedEvent } from '../format/application';
import { CliError } from '../http/cli-error';
import { appAudit, getApp } from '../commands/app-reads';
import type { ProgressView } from './progress-view';
import { resourceRows } from '../format/resource-rows';

export const POLL_INTERVAL_MS = 1000;

/**
 * Polls the app (GET the Application and its event stream) until `finished` says so, feeding the
 * progress view; `timeoutMs` 0 waits for ever, as Argo CD's `--timeout 0`. Argo CD's timeout error on
 * expiry. Returns the last state read.
 */
export async function watchApp(
  client: ApiClient,
  name: string,
  options: {
    operationId: () => string | undefined;
    finished: (app: Application) => string | undefined | 'done';
    view: ProgressView;
    timeoutMs: number;
  },
): Promise<{ app: Application; events: RecordedEvent[] }> {
  const deadline = options.timeoutMs > 0 ? Date.now() + options.timeoutMs : Infinity;
  for (;;) {
    const app = await getApp(client, name);
    const events = await appAudit(client, name);
    const operationId = options.operationId() ?? app.status?.operationState?.operation?.operationId;
    const verdict = options.finished(app);
    options.view.update({
      rows: resourceRows(app, events, operationId, { includePruned: true }),
      ...(app.status?.operationState ? { operation: app.status.operationState } : {}),
      ...(verdict && verdict !== 'done' ? { waiting: verdict } : {}),
    });
    if (verdict === 'done' || verdict === undefined) {
      options.view.done();
      return { app, events };
    }
    if (Date.now() >= deadline) {
      options.view.done();
      throw new CliError([
        `timed out (${Math.round(options.timeoutMs / 1000)}s) waiting for app "${name}" match desired state; still waiting for ${verdict}`,
      ]);
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(POLL_INTERVAL_MS, Math.max(0, deadline - Date.now()))),
    );
  }
}
