/**
 * One problem found while validating a document. `path` names the field the way a user writes it
 * (`spec.sources[1].helm.valueFiles[0]`), `message` says what is wrong, `fix` says what to write instead.
 */
export interface Issue {
  path: string;
  message: string;
  fix?: string;
}

/** `spec.syncPolicy.retry.backoff.duration: "5x" is not a duration; use e.g. "5s", "2m"` */
export function formatIssue(issue: Issue): string {
  const head = issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
  return issue.fix === undefined ? head : `${head}; ${issue.fix}`;
}

/** Collects every problem of a document so the user sees them all at once, not one per attempt. */
export class IssueCollector {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];

  error(path: string, message: string, fix?: string): void {
    this.errors.push(fix === undefined ? { path, message } : { path, message, fix });
  }

  warn(path: string, message: string, fix?: string): void {
    this.warnings.push(fix === undefined ? { path, message } : { path, message, fix });
  }
}

/** Joins a parent path and a field name: `spec` + `source` -> `spec.source`. */
export function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** Joins a list path and an index: `spec.sources` + 1 -> `spec.sources[1]`. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
