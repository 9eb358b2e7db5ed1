import { sourcesOf, ValidationFailedError, type Application, type ArgoApplication } from '@berth/domain';
import { unstorableText } from '../http/storable-value';
import { matchesWatchQuery, parseWatchQuery, type WatchQuery } from '../stream/application-watch.service';

/** Argo CD's ApplicationQuery as List reads it: Watch's filters, plus `repo`. */
export interface ListQuery extends WatchQuery {
  repo?: string;
}

/**
 * Parses List's query string: `name`, `appNamespace`, `project`/`projects` (repeatable), `selector`,
 * `resourceVersion` as Watch reads them (parseWatchQuery: anything malformed or unknown is a 400 naming
 * it), and `repo`. `refresh` is taken and changes nothing, as in Argo CD's List.
 */
export function parseListQuery(raw: Record<string, unknown>): ListQuery {
  // A project reaches Postgres as a parameter: text it cannot store (NUL) is refused here, by name.
  const unstorable = Object.entries(raw).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value])
      .map((v) => (typeof v === 'string' ? unstorableText(v) : undefined))
      .filter((problem): problem is string => problem !== undefined)
      .map((message) => ({ path: key, message, fix: 'remove the control characters' })),
  );
  if (unstorable.length > 0) throw new ValidationFailedError('Query string', undefined, unstorable);
  const { repo, ...rest } = raw;
  if (repo !== undefined && (typeof repo !== 'string' || repo.length > 2048))
    throw new ValidationFailedError('Query string', undefined, [
      {
        path: 'repo',
        message: typeof repo === 'string' ? 'is longer than 2048 characters' : 'is not one plain value',
        fix: 'pass one repository URL, e.g. repo=https://github.com/org/repo.git',
      },
    ]);
  const query: ListQuery = parseWatchQuery(rest);
  if (repo) query.repo = repo;
  return query;
}

/** Argo CD's List filters; `repo` matches any source of the app, as its FilterByRepo does. */
export function matchesListQuery(application: ArgoApplication, query: ListQuery): boolean {
  if (!matchesWatchQuery(application, query)) return false;
  if (query.repo === undefined) return true;
  const wanted = normalizedRepoUrl(query.repo);
  return sourcesOf(application as unknown as Application).some(
    (source) => normalizedRepoUrl(source.repoURL) === wanted,
  );
}

/** The same repository however it is written: case, a trailing slash or `.git` do not matter. */
function normalizedRepoUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}
