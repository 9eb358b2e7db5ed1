import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppProject } from '@berth/domain';
import type { TestDatabase } from '../../libs/event-store/src/testing/test-database';
import { startTestScheduler, type TestScheduler } from './scheduler-harness';
import { errorOf, issuesOf } from '../testing/api-answer';

const project = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: payments
  namespace: argocd
spec:
  sourceRepos:
    - https://github.com/acme/*
  destinations:
    - server: https://kubernetes.default.svc
      namespace: payments-*
`;

const app = (namespace: string, repoURL = 'https://github.com/acme/payments.git') =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'payments-api' },
    spec: {
      project: 'payments',
      source: { repoURL, targetRevision: 'HEAD', path: '.' },
      destination: { server: 'https://kubernetes.default.svc', namespace },
    },
  });

describe('AppProjects guard applications', () => {
  let scheduler: TestScheduler;
  let db: TestDatabase;
  let http: TestScheduler['http'];

  beforeAll(async () => {
    scheduler = await startTestScheduler({}, { accounts: ['platform-team'] });
    ({ db, http } = scheduler);
  });
  afterAll(async () => {
    await scheduler.close();
  });

  it('an app in a project that does not exist is refused, naming the field', async () => {
    const res = await http.post('/api/v1/applications').send(app('payments-prod'));
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe(
      'spec.project: project "payments" does not exist; create it first or use "default"',
    );
  });

  it('the default project exists and a project is created from YAML with an event', async () => {
    const def = await http.get('/api/v1/projects/default');
    expect((def.body as AppProject).spec.sourceRepos).toEqual(['*']);
    const res = await http.post('/api/v1/projects').set(scheduler.as('platform-team')).send(project);
    expect(res.status).toBe(200);
    const audit = await db.dataSource.query<unknown[]>(
      `SELECT actor, event_type, summary FROM audit_log WHERE event_type = 'ProjectCreated'`,
    );
    expect(audit).toEqual([
      { actor: 'platform-team', event_type: 'ProjectCreated', summary: 'created project payments' },
    ]);
  });

  it('refuses an app outside the project, listing every violation', async () => {
    const res = await http
      .post('/api/v1/applications')
      .send(app('kube-system', 'https://github.com/evil/payments.git'));
    expect(res.status).toBe(403);
    const fields = issuesOf(res).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['spec.source.repoURL', 'spec.destination']));
  });

  it('admits an app within the project; the project cannot be deleted while it is used', async () => {
    expect((await http.post('/api/v1/applications').send(app('payments-prod'))).status).toBe(200);
    const del = await http.delete('/api/v1/projects/payments');
    expect(del.status).toBe(400);
    expect(errorOf(del).message).toMatch(/used by payments-api; move or delete those applications first/);
  });

  it('a deny-only destination entry is stored with a Warning header showing the two-entry form (issue #22 item 19)', async () => {
    const res = await http
      .post('/api/v1/projects')
      .send(
        project
          .replace('name: payments', 'name: no-kube-system')
          .replace(
            /destinations:\n[\s\S]*$/,
            "destinations:\n    - server: '*'\n      namespace: '!kube-system'\n",
          ),
      );
    expect(res.status).toBe(200);
    expect(res.headers['warning']).toBe(
      '299 - "spec.destinations[0]: Berth reads an entry with a \\"!\\" pattern as deny only, while Argo CD also allows everything else it matches (here every namespace but \\"kube-system\\"); write the two entries that mean the same in both: {server: \\"*\\", namespace: \\"!kube-system\\"} and {server: \\"*\\", namespace: \\"*\\"}"',
    );
  });
});
