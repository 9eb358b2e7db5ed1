import { queryEscape } from './go-builtins.funcs';
import { GO_DURATIONS, GO_LAYOUTS, GoDuration, GoTime, parseRfc3339 } from '@berth/golang';

/** What `.repo.GetCommitMetadata` returns (Argo CD's shared.CommitMetadata). */
export interface CommitMetadata {
  Message: string;
  Author: string;
  Date: GoTime | Date | string;
  Tags: string[];
}

export interface ArgoHelperDeps {
  /** Looks up a commit of the app's repository (Argo CD asks its repo-server). */
  getCommitMetadata?: (sha: string) => CommitMetadata;
  /** The clock behind `.time.Now` (defaults to the system clock). */
  now?: () => Date;
}

class CommitMetadataValue {
  readonly goTypeName = '*shared.CommitMetadata';
  readonly Date: GoTime;
  readonly Message: string;
  readonly Author: string;
  readonly Tags: string[];
  constructor(m: CommitMetadata) {
    this.Message = m.Message;
    this.Author = m.Author;
    this.Tags = m.Tags;
    this.Date =
      m.Date instanceof GoTime
        ? m.Date
        : typeof m.Date === 'string'
          ? parseRfc3339(m.Date)
          : GoTime.fromDate(m.Date);
  }
}

/** git URL → https URL (Argo CD util/git: `git@github.com:a/b.git` → `https://github.com/a/b`). */
export function repoUrlToHttps(url: string): string {
  let out = url.replace(/\.git$/, '');
  const scp = /^(?:ssh:\/\/)?[\w.-]+@([\w.-]+)[:/](.*)$/.exec(out);
  if (scp) out = `https://${scp[1]}/${scp[2]}`;
  return out.replace(/^http:\/\//, 'https://');
}

/** `owner/repo` of a git URL. */
export function fullNameByRepoUrl(url: string): string {
  const path = repoUrlToHttps(url).replace(/^https?:\/\/[^/]+\//, '');
  return path.replace(/\/$/, '');
}

/** The layouts of Argo CD's `time` helpers: Go's constants of its day, without DateTime/DateOnly/TimeOnly. */
const ARGO_TIME_LAYOUTS = [
  'Layout',
  'ANSIC',
  'UnixDate',
  'RubyDate',
  'RFC822',
  'RFC822Z',
  'RFC850',
  'RFC1123',
  'RFC1123Z',
  'RFC3339',
  'RFC3339Nano',
  'Kitchen',
  'Stamp',
  'StampMilli',
  'StampMicro',
  'StampNano',
] as const;

/**
 * The constants of Argo CD's `time` helpers (util/notification/expression/time), which templates and trigger
 * conditions share: the durations Nanosecond ... Hour and the layouts RFC3339, Kitchen, ...
 */
export function argoTimeConstants(): Record<string, GoDuration | string> {
  return {
    ...Object.fromEntries(Object.entries(GO_DURATIONS).map(([name, ns]) => [name, new GoDuration(ns)])),
    ...Object.fromEntries(ARGO_TIME_LAYOUTS.map((name) => [name, GO_LAYOUTS[name]])),
  };
}

/**
 * The `.time`, `.strings`, `.repo` objects Argo CD puts into every notification template's data; call them with
 * `call`: `{{ (call .repo.GetCommitMetadata .app.status.sync.revision).Message }}`,
 * `{{ (call .time.Parse .app.status.operationState.startedAt).Local.Format "2006-01-02" }}`.
 */
export function argoNotificationHelpers(deps: ArgoHelperDeps = {}): Record<string, Record<string, unknown>> {
  const now = deps.now ?? (() => new Date());
  return {
    time: {
      Now: () => GoTime.fromDate(now()),
      Parse: (s: string) => parseRfc3339(s),
      ...argoTimeConstants(),
    },
    strings: {
      ReplaceAll: (s: string, o: string, n: string) => s.split(o).join(n),
      ToUpper: (s: string) => s.toUpperCase(),
      ToLower: (s: string) => s.toLowerCase(),
    },
    repo: {
      RepoURLToHTTPS: repoUrlToHttps,
      FullNameByRepoURL: fullNameByRepoUrl,
      QueryEscape: queryEscape,
      GetCommitMetadata: (sha: string) => {
        if (!deps.getCommitMetadata) throw new Error('GetCommitMetadata is not configured for this notifier');
        return new CommitMetadataValue(deps.getCommitMetadata(sha));
      },
    },
    sync: {},
  };
}
