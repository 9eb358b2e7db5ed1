import semver from 'semver';
import { SourceError } from '../source.error';

/** One line of `git ls-remote`: a full ref name and the commit it points at (tags peeled). */
export interface RemoteRef {
  name: string;
  sha: string;
}

export interface RemoteRefs {
  refs: RemoteRef[];
  /** What `HEAD` points at on the server, e.g. `refs/heads/main`. */
  head?: string;
}

export interface ResolvedRevision {
  sha: string;
  /** The ref the revision resolved through (`refs/heads/main`, `refs/tags/v1.2.0`) or the SHA itself. */
  ref: string;
}

/** Short SHAs need the objects (a mirror) to expand; the caller does that. */
export type RevisionLookup = ResolvedRevision | { shortSha: string };

const FULL_SHA = /^[0-9a-f]{40}$/;

/** A full 40-hex commit SHA: it resolves to itself, no refs needed. */
export function isFullSha(revision: string): boolean {
  return FULL_SHA.test(revision);
}
const SHORT_SHA = /^[0-9a-f]{7,39}$/;
/** What Masterminds/semver (Argo CD's library) parses as one version rather than a constraint. */
const PLAIN_VERSION = /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const FIELD = 'spec.source.targetRevision';

/**
 * Parses `git ls-remote --symref` output. Annotated tags appear twice; the peeled `^{}` line
 * carries the commit, which is what a tag must resolve to.
 */
export function parseLsRemote(output: string): RemoteRefs {
  const byName = new Map<string, string>();
  let head: string | undefined;
  for (const line of output.split('\n')) {
    const [left, name] = line.split('\t');
    if (!left || !name) continue;
    if (left.startsWith('ref: ')) {
      if (name === 'HEAD') head = left.slice(5);
      continue;
    }
    if (name.endsWith('^{}')) byName.set(name.slice(0, -3), left);
    else if (!byName.has(name)) byName.set(name, left);
  }
  const refs = [...byName].map(([name, sha]) => ({ name, sha }));
  return { refs, head };
}

/**
 * True when Argo CD would treat the revision as a semver constraint over tags (`1.2.*`, `^1.2`,
 * `>=1.2.0 <2.0.0`) rather than a branch, tag or commit name.
 */
export function isVersionConstraint(revision: string): boolean {
  if (!revision || revision === 'HEAD' || PLAIN_VERSION.test(revision)) return false;
  return semver.validRange(revision) !== null;
}

function shortName(ref: string): string {
  for (const prefix of ['refs/heads/', 'refs/tags/', 'refs/remotes/', 'refs/']) {
    if (ref.startsWith(prefix)) return ref.slice(prefix.length);
  }
  return ref;
}

function maxTagSatisfying(refs: RemoteRef[], range: string): RemoteRef | undefined {
  let best: { ref: RemoteRef; version: semver.SemVer } | undefined;
  for (const ref of refs) {
    if (!ref.name.startsWith('refs/tags/')) continue;
    const version = semver.parse(shortName(ref.name), { loose: true });
    if (!version || !semver.satisfies(version, range)) continue;
    if (!best || semver.gt(version, best.version)) best = { ref, version };
  }
  return best?.ref;
}

/**
 * Resolves Argo CD's `targetRevision` against a repository's refs, the way its repo-server
 * does: empty/`HEAD` is the default branch; a full SHA is itself; a semver constraint picks the
 * highest matching tag; otherwise a branch or tag by short or full name; else a short SHA.
 */
export function resolveRevisionFromRefs(
  remote: RemoteRefs,
  targetRevision: string | undefined,
): RevisionLookup {
  const revision = (targetRevision ?? '').trim();
  if (revision === '' || revision === 'HEAD') {
    const headRef = remote.head ?? 'HEAD';
    const target =
      remote.refs.find((ref) => ref.name === headRef) ?? remote.refs.find((ref) => ref.name === 'HEAD');
    if (!target) {
      throw new SourceError(
        'revision-not-found',
        'the repository has no default branch (HEAD); push a commit',
        FIELD,
      );
    }
    return { sha: target.sha, ref: remote.head ?? 'HEAD' };
  }
  if (FULL_SHA.test(revision)) return { sha: revision, ref: revision };
  let constraintError: string | undefined;
  if (isVersionConstraint(revision)) {
    const tag = maxTagSatisfying(remote.refs, revision);
    if (tag) return { sha: tag.sha, ref: tag.name };
    const tagCount = remote.refs.filter((ref) => ref.name.startsWith('refs/tags/')).length;
    constraintError = `no tag among ${tagCount} satisfies the version constraint "${revision}"`;
  }
  const named = remote.refs.find(
    (ref) => ref.name !== 'HEAD' && (ref.name === revision || shortName(ref.name) === revision),
  );
  if (named) return { sha: named.sha, ref: named.name };
  if (SHORT_SHA.test(revision)) return { shortSha: revision };
  throw new SourceError(
    'revision-not-found',
    constraintError ??
      `targetRevision "${revision}" is not a branch, tag or commit of the repository; check its spelling or push it`,
    FIELD,
  );
}
