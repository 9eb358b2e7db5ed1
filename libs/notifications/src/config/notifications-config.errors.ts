import type { ConfigIssue } from './notifications-config.types';

export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.key}: ${issue.message}`;
}

/** Thrown by parseNotificationsConfigOrThrow; lists every problem, one per line. */
export class NotificationsConfigError extends Error {
  readonly code = 'NOTIFICATIONS_CONFIG_INVALID';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `argocd-notifications-cm is invalid (${issues.length} problem(s)):\n${issues.map(formatConfigIssue).join('\n')}`,
    );
    this.name = 'NotificationsConfigError';
  }
}
