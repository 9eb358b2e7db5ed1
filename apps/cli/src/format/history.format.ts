import type { HistoryEntry } from './application';
import { short } from './application';
import { renderTable } from './table';

/**
 * `argocd app history`: ID DATE REVISION, the revision as `target (sha)`; `wide` adds Berth's TRIGGER
 * (manual, auto-sync, rollback ...) and who started it.
 */
export function formatHistory(entries: HistoryEntry[], wide: boolean): string {
  const headers = ['ID', 'DATE', 'REVISION', ...(wide ? ['TRIGGER', 'INITIATED BY'] : [])];
  const rows = entries.map((e) => {
    const target = e.source?.targetRevision;
    const revision = target ? `${target} (${short(e.revision)})` : short(e.revision);
    return [
      String(e.id),
      e.deployedAt ?? '',
      revision,
      ...(wide
        ? [e.trigger ?? '', e.initiatedBy?.automated ? 'automated' : (e.initiatedBy?.username ?? '')]
        : []),
    ];
  });
  return renderTable(headers, rows);
}

/** `app rollback NAME` without an id: the deployment before the current one, as Argo CD. */
export function previousDeploymentId(entries: HistoryEntry[]): number | undefined {
  return entries.length >= 2 ? entries[entries.length - 2]!.id : undefined;
}
