import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricsQueriedBy, metricsServed, sampleValue } from './dashboard-metrics';
import { REPO_ROOT } from './built-entrypoints';

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(
    readFileSync(join(REPO_ROOT, 'deploy/grafana/berth-dashboard.json'), 'utf8'),
  ) as {
    panels: Array<{ targets?: Array<{ expr: string }> }>;
  };

  it('queries Argo CD metrics and Berth own ones (the e2e checks each is served: npm-start.e2e-spec.ts)', () => {
    const names = metricsQueriedBy(dashboard);
    for (const name of [
      'argocd_app_info',
      'argocd_app_sync_total',
      'argocd_app_reconcile_bucket',
      'argocd_app_k8s_request_total',
      'argocd_git_request_total',
      'argocd_git_request_duration_seconds_bucket',
      'argocd_kubectl_exec_total',
      'berth_queue_depth',
      'berth_job_wait_seconds_bucket',
      'berth_event_append_duration_seconds_bucket',
      'berth_notifier_deliveries_total',
    ])
      expect(names).toContain(name);
  });

  it('every panel has a query', () => {
    for (const p of dashboard.panels.filter((p) => (p as { type?: string }).type !== 'row'))
      expect(p.targets?.length).toBeGreaterThan(0);
  });
});

describe('reading /metrics', () => {
  const exposition = [
    '# HELP argocd_app_reconcile Application reconciliation performance in seconds.',
    '# TYPE argocd_app_reconcile histogram',
    'argocd_app_reconcile_bucket{le="0.25",namespace="argocd",dest_server="x"} 1',
    '# TYPE argocd_app_info gauge',
    'argocd_app_info{namespace="argocd",name="guestbook",sync_status="Synced"} 1',
  ].join('\n');

  it('knows a histogram by its series names', () => {
    const served = metricsServed(exposition);
    expect([...served].sort()).toEqual([
      'argocd_app_info',
      'argocd_app_reconcile',
      'argocd_app_reconcile_bucket',
      'argocd_app_reconcile_count',
      'argocd_app_reconcile_sum',
    ]);
  });

  it('finds a sample by a subset of its labels', () => {
    expect(sampleValue(exposition, 'argocd_app_info', { name: 'guestbook', sync_status: 'Synced' })).toBe(1);
    expect(sampleValue(exposition, 'argocd_app_info', { name: 'other' })).toBeUndefined();
  });
});
