import {
  type Application,
  type AppOperationState,
  clusterOf,
  qualifiedName,
  short,
  sourcesOf,
  syncPolicyOf,
} from './application';
import { formatDuration } from './duration';
import { RESOURCE_HEADERS, resourceCells, type ResourceRow } from './resource-rows';
import { renderFields, renderTable } from './table';

/** `argocd app get`'s header block (printAppSummaryTable). `canSync`: the app's sync windows allow a sync. */
export function formatAppSummary(app: Application, server: string, canSync: boolean | undefined): string {
  const fields: Array<[string, string]> = [
    ['Name', qualifiedName(app)],
    ['Project', app.spec.project ?? 'default'],
    ['Server', clusterOf(app)],
    ['Namespace', app.spec.destination?.namespace ?? ''],
    ['URL', `${server}/applications/${app.metadata.name}`],
  ];
  const sources = sourcesOf(app);
  const lines = [renderFields(fields), sources.length > 1 ? 'Sources:' : 'Source:'];
  for (const source of sources) {
    const block = renderFields([
      ['Repo', source.repoURL ?? ''],
      ['Target', source.targetRevision ?? ''],
      ...(source.chart ? ([['Chart', source.chart]] as Array<[string, string]>) : []),
      ...(source.path ? ([['Path', source.path]] as Array<[string, string]>) : []),
    ]).split('\n');
    lines.push(...block.map((line, i) => `${i === 0 ? '- ' : '  '}${line.replace(/^(\S+:)( {2})/, '$1')}`));
  }
  const sync = app.status?.sync;
  const target = sources[0]?.targetRevision || 'HEAD';
  const revision = sync?.revision ?? sync?.revisions?.[0];
  const syncStatus = sync?.status ?? 'Unknown';
  lines.push(
    renderFields([
      ...(canSync === undefined
        ? []
        : ([['SyncWindow', canSync ? 'Sync Allowed' : 'Sync Denied']] as Array<[string, string]>)),
      ['Sync Policy', syncPolicyOf(app)],
      [
        'Sync Status',
        `${syncStatus}${syncStatus === 'Unknown' ? '' : ` to ${target}`}${revision ? ` (${short(revision)})` : ''}`,
      ],
      ['Health Status', app.status?.health?.status ?? 'Unknown'],
    ]),
  );
  return lines.join('\n');
}

/** The operation block (printOperationResult) of `app get --show-operation` and `app sync`. */
export function formatOperation(state: AppOperationState | undefined, now = Date.now()): string {
  if (!state) return '';
  const started = state.startedAt ? Date.parse(state.startedAt) : NaN;
  const finished = state.finishedAt ? Date.parse(state.finishedAt) : now;
  return renderFields([
    ['Operation', 'Sync'],
    ['Sync Revision', state.syncResult?.revision ?? state.operation?.sync?.revision ?? ''],
    ['Phase', state.phase ?? ''],
    ['Start', state.startedAt ?? ''],
    ['Finished', state.finishedAt ?? ''],
    ['Duration', Number.isNaN(started) ? '' : formatDuration(finished - started)],
    ['Message', state.message ?? ''],
  ]);
}

export function formatConditions(app: Application): string {
  const conditions = app.status?.conditions ?? [];
  if (conditions.length === 0) return '';
  return renderTable(
    ['CONDITION', 'MESSAGE', 'LAST TRANSITION'],
    conditions.map((c) => [
      c.type,
      c.message,
      (c as { lastTransitionTime?: string }).lastTransitionTime ?? '',
    ]),
  );
}

export function formatResources(rows: ResourceRow[]): string {
  return renderTable(RESOURCE_HEADERS, rows.map(resourceCells));
}

/** The whole of `argocd app get`: summary, conditions, operation (when asked), resources. */
export function formatAppGet(
  app: Application,
  rows: ResourceRow[],
  options: { server: string; canSync?: boolean; showOperation?: boolean },
): string {
  const parts = [formatAppSummary(app, options.server, options.canSync)];
  const conditions = formatConditions(app);
  if (conditions) parts.push(conditions);
  if (options.showOperation && app.status?.operationState)
    parts.push(formatOperation(app.status.operationState));
  parts.push(formatResources(rows));
  return parts.join('\n\n');
}
