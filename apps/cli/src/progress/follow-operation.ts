import { out, printStructured } from '../cli-session';
import { formatAppSummary, formatOperation, formatResources } from '../format/app-get.format';
import type { Application } from '../format/application';
import { resourceRows } from '../format/resource-rows';
import type { ApiClient } from '../http/api-client';
import { CliError, EXIT } from '../http/cli-error';
import { progressView } from './progress-view';
import { comparedSinceOperation } from './wait-conditions';
import { watchApp } from './watch-app';

const FINISHED = ['Succeeded', 'Failed', 'Error'];

/**
 * Follows operation `operationId` (a sync or rollback) to its end with live progress, then prints Argo CD's
 * result (summary, operation, resources) or the app as -o json|yaml. Exit 1 with the phase when it did not
 * succeed (Argo CD's "Operation has completed with phase: ...").
 */
export async function followOperation(
  client: ApiClient,
  name: string,
  operationId: string,
  options: { timeoutMs: number; format: string | undefined },
): Promise<void> {
  const structured = options.format === 'json' || options.format === 'yaml';
  const { app: done, events } = await watchApp(client, name, {
    operationId: () => operationId,
    finished: (current: Application) => {
      const state = current.status?.operationState;
      if (state?.operation?.operationId !== operationId) return 'operation: requested';
      if (!FINISHED.includes(state.phase ?? ''))
        return `operation: ${state.phase ?? ''} ${state.message ?? ''}`.trim();
      // As Argo CD: done once the app has been compared after the operation, so the statuses printed are
      // the cluster after it, not before.
      return comparedSinceOperation(current) ? 'done' : 'comparison after the operation';
    },
    view: progressView(structured ? process.stderr : process.stdout),
    timeoutMs: options.timeoutMs,
  });
  const state = done.status?.operationState;
  if (!printStructured(options.format, done)) {
    out(
      [
        '',
        formatAppSummary(done, client.server, undefined),
        '',
        formatOperation(state),
        '',
        formatResources(resourceRows(done, events, operationId, { includePruned: true })),
      ].join('\n'),
    );
  }
  if (state?.phase !== 'Succeeded')
    throw new CliError(
      [
        `Operation has completed with phase: ${state?.phase ?? 'Unknown'}${state?.message ? `: ${state.message}` : ''}`,
      ],
      EXIT.commandSpecific,
    );
}
