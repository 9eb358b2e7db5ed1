import { describe, expect, it } from '@jest/globals';
import type { SyncWindow } from './app-project.types';
import {
  activeSyncWindows,
  matchingSyncWindows,
  syncWindowsVerdict,
  type SyncWindowTarget,
} from './sync-windows';

// A fixed clock: 12:30 UTC. "Open" windows start at 12:00 for 1h, "closed" ones at 22:00.
const NOW = new Date('2026-06-15T12:30:00Z');
const OPEN = '0 12 * * *';
const CLOSED = '0 22 * * *';

const app: SyncWindowTarget = {
  name: 'test-app',
  destination: { server: 'https://cluster1.example:6443', name: 'cluster1', namespace: 'default' },
};

function win(kind: 'allow' | 'deny', schedule: string, extra: Partial<SyncWindow> = {}): SyncWindow {
  return { kind, schedule, duration: '1h', applications: ['*'], ...extra };
}

const verdictOf = (windows: SyncWindow[], manual: boolean) =>
  syncWindowsVerdict(matchingSyncWindows(windows, app), NOW, manual);

describe('matchingSyncWindows: Argo CD SyncWindows.Matches', () => {
  const only = (selectors: Partial<SyncWindow>): SyncWindow => ({
    kind: 'deny',
    schedule: OPEN,
    duration: '1h',
    ...selectors,
  });
  it.each<[string, Partial<SyncWindow>, boolean]>([
    ['application name', { applications: ['test-app'] }, true],
    ['application glob', { applications: ['test-*'] }, true],
    ['another application', { applications: ['other'] }, false],
    ['namespace', { namespaces: ['default'] }, true],
    ['namespace glob', { namespaces: ['def*'] }, true],
    ['another namespace', { namespaces: ['kube-system'] }, false],
    ['cluster by name', { clusters: ['cluster1'] }, true],
    ['cluster by server', { clusters: ['https://cluster1.example:6443'] }, true],
    ['cluster by glob', { clusters: ['https://*.example:6443'] }, true],
    ['another cluster', { clusters: ['in-cluster'] }, false],
    ['no selector', {}, false],
    ['any of the selectors (OR)', { applications: ['other'], namespaces: ['default'] }, true],
    ['none of the selectors', { applications: ['other'], namespaces: ['prod'] }, false],
    [
      'andOperator: all match',
      { andOperator: true, applications: ['test-*'], namespaces: ['default'] },
      true,
    ],
    ['andOperator: one misses', { andOperator: true, applications: ['test-*'], namespaces: ['prod'] }, false],
    [
      'andOperator: three selectors, cluster misses',
      { andOperator: true, applications: ['*'], clusters: ['other'], namespaces: ['*'] },
      false,
    ],
    ['andOperator: a single selector', { andOperator: true, clusters: ['cluster1'] }, true],
    ['andOperator: no selector', { andOperator: true }, false],
  ])('%s -> %s', (_what, selectors, expected) => {
    expect(matchingSyncWindows([only(selectors)], app)).toHaveLength(expected ? 1 : 0);
  });

  it('matches an empty destination namespace with "*" only', () => {
    const noNamespace = { name: 'x', destination: { server: 'https://s' } };
    expect(matchingSyncWindows([only({ namespaces: ['*'] })], noNamespace)).toHaveLength(1);
    expect(matchingSyncWindows([only({ namespaces: ['default'] })], noNamespace)).toHaveLength(0);
  });

  it('a known cluster matches by both its name and its server, whichever the app writes', () => {
    const byServer = {
      name: 'x',
      destination: { server: 'https://kubernetes.default.svc/', namespace: 'a' },
    };
    const known = [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }];
    expect(matchingSyncWindows([only({ clusters: ['in-cluster'] })], byServer)).toHaveLength(0);
    expect(matchingSyncWindows([only({ clusters: ['in-cluster'] })], byServer, known)).toHaveLength(1);
  });

  it("keeps each window's place in the project (Argo CD's window id)", () => {
    const windows = [only({ applications: ['other'] }), only({ applications: ['test-app'] })];
    expect(matchingSyncWindows(windows, app).map((w) => w.index)).toEqual([1]);
  });
});

describe('syncWindowsVerdict: Argo CD SyncWindows.CanSync (its test cases, at a fixed clock)', () => {
  const activeAllow = (manualSync: boolean) => win('allow', OPEN, { manualSync });
  const inactiveAllow = (manualSync: boolean) => win('allow', CLOSED, { manualSync });
  const activeDeny = (manualSync: boolean) => win('deny', OPEN, { manualSync });
  const inactiveDeny = (manualSync: boolean) => win('deny', CLOSED, { manualSync });

  it.each<[string, SyncWindow[], boolean, boolean]>([
    ['no window', [], true, true],
    ['inactive deny (manualSync)', [inactiveDeny(true)], true, true],
    ['inactive deny', [inactiveDeny(false)], true, true],
    [
      'one of two inactive allow windows without manualSync',
      [inactiveAllow(true), inactiveAllow(false)],
      false,
      false,
    ],
    ['active allow (manualSync)', [activeAllow(true)], true, true],
    ['active allow', [activeAllow(false)], true, true],
    ['active allow and inactive deny', [activeAllow(false), inactiveDeny(false)], true, true],
    ['inactive allow', [inactiveAllow(false)], false, false],
    ['inactive allow (manualSync)', [inactiveAllow(true)], true, false],
    ['inactive allow and inactive deny', [inactiveAllow(false), inactiveDeny(false)], false, false],
    ['active allow and inactive allow', [activeAllow(false), inactiveAllow(false)], true, true],
    ['active deny', [activeDeny(false)], false, false],
    ['active deny (manualSync)', [activeDeny(true)], true, false],
    [
      'many active deny windows, one without manualSync',
      [activeDeny(true), activeDeny(true), activeDeny(true), activeDeny(false)],
      false,
      false,
    ],
    ['active deny and active allow', [activeAllow(false), activeDeny(false)], false, false],
    [
      'active deny (manualSync) and active allow: deny beats allow',
      [activeAllow(false), activeDeny(true)],
      true,
      false,
    ],
    ['active deny and active allow (manualSync)', [activeAllow(true), activeDeny(false)], false, false],
    [
      'inactive allow (manualSync) and active deny (manualSync)',
      [inactiveAllow(true), activeDeny(true)],
      true,
      false,
    ],
  ])('%s: manual %s, automated %s', (_what, windows, manual, automated) => {
    expect(verdictOf(windows, true).canSync).toBe(manual);
    expect(verdictOf(windows, false).canSync).toBe(automated);
  });

  it('lists the windows that apply and those open now', () => {
    const windows = [activeAllow(false), inactiveDeny(false), win('deny', OPEN, { applications: ['other'] })];
    const verdict = verdictOf(windows, false);
    expect(verdict.assigned.map((w) => w.index)).toEqual([0, 1]);
    expect(verdict.active.map((w) => w.index)).toEqual([0]);
  });

  it('says which deny window blocks and until when', () => {
    const verdict = verdictOf([win('deny', '0 12 * * *', { duration: '2h', timeZone: 'UTC' })], false);
    expect(verdict.reason).toBe(
      'syncWindows[0] (deny "0 12 * * *" for 2h, UTC) is open until 2026-06-15T14:00Z',
    );
  });

  it('says which allow windows the sync waits for, and for a person which lack manualSync', () => {
    const windows = [
      inactiveAllow(true),
      win('allow', '0 16 * * 1-5', { duration: '2h', timeZone: 'Europe/Berlin' }),
    ];
    expect(verdictOf(windows, true).reason).toBe(
      'no allow window is open (syncWindows[0] (allow "0 22 * * *" for 1h) opens 2026-06-15T22:00Z; ' +
        'syncWindows[1] (allow "0 16 * * 1-5" for 2h, Europe/Berlin) opens 2026-06-15T14:00Z); ' +
        'manual syncs need manualSync: true on syncWindows[1]',
    );
  });

  it('a window it cannot read blocks every sync (Argo CD: "invalid sync windows")', () => {
    const verdict = verdictOf([activeAllow(true), win('allow', '0 0 * * 7')], true);
    expect(verdict.canSync).toBe(false);
    expect(verdict.reason).toMatch(/^invalid sync window: syncWindows\[1\] .*: schedule: /);
  });

  it('overlapping deny windows: blocked while any is open, until the last closes', () => {
    const windows = [
      win('deny', '0 22 * * *', { duration: '2h' }),
      win('deny', '0 23 * * *', { duration: '2h' }),
      win('allow', '0 0 * * *', { duration: '24h' }),
    ];
    const at = (iso: string) => syncWindowsVerdict(matchingSyncWindows(windows, app), new Date(iso), false);
    expect(at('2026-06-15T21:59:00Z').canSync).toBe(true);
    expect(at('2026-06-15T23:30:00Z').active.map((w) => w.index)).toEqual([0, 1, 2]);
    expect(at('2026-06-15T23:30:00Z').canSync).toBe(false);
    expect(at('2026-06-16T00:30:00Z').canSync).toBe(false);
    expect(at('2026-06-16T01:00:00Z').canSync).toBe(true);
  });
});

describe("activeSyncWindows: a project's open windows (GET /api/v1/projects/{name}/syncwindows)", () => {
  it('lists the open ones with their ids, whatever they select', () => {
    const windows = [win('allow', CLOSED), win('deny', OPEN, { applications: ['nothing-matches'] })];
    expect(activeSyncWindows(windows, NOW).map((w) => w.index)).toEqual([1]);
    expect(activeSyncWindows(undefined, NOW)).toEqual([]);
  });
});

describe('syncWindowsVerdict: when it may change', () => {
  it('is the next time an assigned window opens or closes', () => {
    const windows = [win('deny', '0 12 * * *', { duration: '2h' }), win('allow', '0 13 * * *')];
    expect(verdictOf(windows, false).changesAt).toEqual(new Date('2026-06-15T13:00:00Z'));
    expect(verdictOf([], false).changesAt).toBeUndefined();
  });
});
