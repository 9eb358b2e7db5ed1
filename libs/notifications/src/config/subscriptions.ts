import { parse as parseYaml } from 'yaml';
import { matchesLabelSelector } from './label-selector';
import type { ConfigIssue, NotificationsConfig } from './notifications-config.types';

export const ANNOTATION_PREFIX = 'notifications.argoproj.io';

export interface Destination {
  /** Configured service name (`slack`, `dingtalk`, the <name> of service.webhook.<name>). */
  service: string;
  /** Channel, or `""` for webhooks. */
  recipient: string;
}

export interface ResolvedSubscriptions {
  /** Destinations per trigger, deduplicated on (service, recipient), in discovery order. */
  byTrigger: Map<string, Destination[]>;
  /** Subscriptions naming unknown triggers or services; Argo CD logs these and sends nothing. */
  issues: ConfigIssue[];
}

interface K8sObjectLike {
  metadata?: { annotations?: Record<string, string> | null; labels?: Record<string, string> | null } | null;
}

/** `r1; r2;` -> [r1, r2]; an empty value is one recipient `""` (webhooks take no recipient). */
function splitRecipients(value: string): string[] {
  const list = value
    .split(';')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return list.length > 0 ? list : [''];
}

/**
 * Who gets notified for which trigger: the app's and its AppProject's `notifications.argoproj.io/subscribe.*`
 * and `.../subscriptions` annotations plus the global `subscriptions` whose selector matches the app's labels.
 * A subscription without a trigger uses `defaultTriggers.<service>`, else `defaultTriggers`.
 */
export function resolveSubscriptions(
  config: Pick<
    NotificationsConfig,
    'triggers' | 'services' | 'defaultTriggers' | 'defaultTriggersByService' | 'subscriptions'
  >,
  app: K8sObjectLike,
  appProject?: K8sObjectLike,
): ResolvedSubscriptions {
  const byTrigger = new Map<string, Destination[]>();
  const issues: ConfigIssue[] = [];
  const defaultsFor = (service: string): string[] =>
    config.defaultTriggersByService[service] ?? config.defaultTriggers;

  const add = (key: string, trigger: string, dest: Destination): void => {
    if (!Object.hasOwn(config.triggers, trigger)) {
      issues.push({
        key,
        message: `trigger "${trigger}" is not configured: add trigger.${trigger} to argocd-notifications-cm`,
      });
      return;
    }
    if (!Object.hasOwn(config.services, dest.service)) {
      issues.push({
        key,
        message: `service "${dest.service}" is not configured: add service.${dest.service} to argocd-notifications-cm`,
      });
      return;
    }
    const list = byTrigger.get(trigger) ?? [];
    if (!list.some((d) => d.service === dest.service && d.recipient === dest.recipient)) list.push(dest);
    byTrigger.set(trigger, list);
  };

  const fromAnnotations = (owner: string, annotations: Record<string, string>): void => {
    for (const [key, value] of Object.entries(annotations)) {
      const path = `${owner}.metadata.annotations["${key}"]`;
      if (key.startsWith(`${ANNOTATION_PREFIX}/subscribe.`)) {
        const parts = key.slice(`${ANNOTATION_PREFIX}/subscribe.`.length).split('.');
        const recipients = splitRecipients(value ?? '');
        if (parts.length >= 2) {
          for (const r of recipients) add(path, parts[0]!, { service: parts[1]!, recipient: r });
        } else {
          const service = parts[0]!;
          const triggers = defaultsFor(service);
          if (triggers.length === 0) {
            issues.push({
              key: path,
              message:
                'names no trigger and no defaultTriggers are configured: use subscribe.<trigger>.<service> or set defaultTriggers',
            });
          }
          for (const t of triggers) for (const r of recipients) add(path, t, { service, recipient: r });
        }
      } else if (key.startsWith(`${ANNOTATION_PREFIX}/subscriptions`)) {
        fromSubscriptionsAnnotation(path, value ?? '');
      }
    }
  };

  const fromSubscriptionsAnnotation = (path: string, value: string): void => {
    let list: unknown;
    try {
      list = parseYaml(value);
    } catch (err) {
      issues.push({ key: path, message: `not valid YAML: ${(err as Error).message.split('\n')[0]}` });
      return;
    }
    if (!Array.isArray(list)) {
      issues.push({
        key: path,
        message: 'must be a YAML list of {trigger: [...], destinations: [{service, recipients}]}',
      });
      return;
    }
    for (const item of list as Array<Record<string, unknown> | null>) {
      const triggers = Array.isArray(item?.trigger)
        ? (item.trigger as unknown[]).map(String)
        : typeof item?.trigger === 'string'
          ? [item.trigger]
          : [];
      const destinations = Array.isArray(item?.destinations)
        ? (item.destinations as Array<Record<string, unknown> | null>)
        : [];
      for (const d of destinations) {
        const service = typeof d?.service === 'string' ? d.service : '';
        const recipients = Array.isArray(d?.recipients) ? (d.recipients as unknown[]).map(String) : [''];
        for (const t of triggers.length > 0 ? triggers : defaultsFor(service)) {
          for (const r of recipients) add(path, t, { service, recipient: r });
        }
      }
    }
  };

  fromAnnotations('app', app.metadata?.annotations ?? {});
  if (appProject) fromAnnotations('appProject', appProject.metadata?.annotations ?? {});
  const labels = app.metadata?.labels ?? {};
  config.subscriptions.forEach((sub, i) => {
    if (!matchesLabelSelector(sub.selector, labels)) return;
    for (const dest of sub.recipients) {
      for (const t of sub.triggers.length > 0 ? sub.triggers : defaultsFor(dest.service))
        add(`subscriptions[${i}]`, t, dest);
    }
  });
  return { byTrigger, issues };
}
