import {
  type Application,
  clusterOf,
  conditionsOf,
  qualifiedName,
  sourcesOf,
  syncPolicyOf,
} from './application';
import { renderTable } from './table';

/**
 * `argocd app list`'s table: NAME CLUSTER NAMESPACE PROJECT STATUS HEALTH SYNCPOLICY CONDITIONS, plus REPO
 * PATH TARGET with `-o wide`. Names are `namespace/name`, as current Argo CD prints them.
 */
export function formatAppList(apps: Application[], wide: boolean): string {
  const headers = ['NAME', 'CLUSTER', 'NAMESPACE', 'PROJECT', 'STATUS', 'HEALTH', 'SYNCPOLICY', 'CONDITIONS'];
  if (wide) headers.push('REPO', 'PATH', 'TARGET');
  const rows = apps.map((app) => {
    const row = [
      qualifiedName(app),
      clusterOf(app),
      app.spec.destination?.namespace ?? '',
      app.spec.project ?? 'default',
      app.status?.sync?.status ?? 'Unknown',
      app.status?.health?.status ?? 'Unknown',
      syncPolicyOf(app),
      conditionsOf(app),
    ];
    if (wide) {
      const source = sourcesOf(app)[0];
      row.push(source?.repoURL ?? '', source?.path ?? source?.chart ?? '', source?.targetRevision ?? '');
    }
    return row;
  });
  return renderTable(headers, rows);
}

/** `-l key=value,key!=value,key,!key`: Kubernetes equality-based selectors, matched on the client. */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string): boolean {
  const have = labels ?? {};
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .every((term) => {
      const notEqual = /^([^!=]+)!=(.*)$/.exec(term);
      if (notEqual) return have[notEqual[1]!.trim()] !== notEqual[2]!.trim();
      const equal = /^([^!=]+)==?(.*)$/.exec(term);
      if (equal) return have[equal[1]!.trim()] === equal[2]!.trim();
      if (term.startsWith('!')) return !(term.slice(1) in have);
      return term in have;
    });
}

/** Refuses what `matchesSelector` cannot read (set-based `in (...)`), rather than matching nothing. */
export function assertSelector(selector: string): void {
  for (const term of selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    if (!/^!?[A-Za-z0-9._/-]+((==?|!=)[A-Za-z0-9._-]*)?$/.test(term))
      throw new Error(
        `-l ${selector}: "${term}" is not supported; use key=value, key!=value, key or !key, comma separated`,
      );
  }
}
