import type { AppInfoRow } from '@berth/event-store';
import type { AppInfoLabels } from '@berth/infra';

/** Argo CD's `argocd_app_info` labels of one app (controller/metrics/metrics.go, collectApps). Pure. */
export function appInfoLabelsOf(row: AppInfoRow): AppInfoLabels {
  return {
    namespace: row.namespace,
    name: row.name,
    project: row.project,
    autosync_enabled: row.autoSync ? 'true' : 'false',
    repo: row.sourceRepo,
    dest_server: row.destServer,
    dest_namespace: row.destNamespace,
    sync_status: row.syncStatus || 'Unknown',
    health_status: row.healthStatus || 'Unknown',
    operation: row.operationRunning ? 'sync' : '',
  };
}
