import {
  isDns1123Label,
  isDns1123Subdomain,
  DEFAULT_APP_NAMESPACE,
  ValidationFailedError,
} from '@berth/domain';
import type { ApplicationRecord } from '@berth/event-store';
import { Injectable } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';
import { statusBadgeSvg, type StatusBadge } from './status-badge.svg';

/** The query string as Express parses it: a repeated parameter is a list. */
export type RawQuery = Record<string, unknown>;

const UNKNOWN = 'Unknown';

/**
 * Argo CD's status badge handler (server/badge/badge.go): `name=<app>` shows the app's health and sync,
 * `project=<p>` (repeatable) the worst of the projects' apps, `revision=true` the last synced revision,
 * `showAppName=true` the name above, `keepFullRevision=true` and `width=` as in Argo CD. Like Argo CD it
 * reads the first value of a repeated parameter, ignores parameters it does not know (READMEs add cache
 * busters), refuses a malformed name with 400, and while `statusbadge.enabled` is off answers a badge that
 * says Unknown/Unknown for everything, revealing nothing.
 */
@Injectable()
export class StatusBadgeService {
  constructor(private readonly ctx: SchedulerContext) {}

  async badge(query: RawQuery): Promise<string> {
    if (!this.ctx.config.serverSettings.statusBadgeEnabled)
      return statusBadgeSvg({ health: UNKNOWN, sync: UNKNOWN });
    const badge: StatusBadge = { health: UNKNOWN, sync: UNKNOWN };
    let revision: string | undefined;
    let appName: string | undefined;

    const namespace = first(query, 'namespace');
    if (namespace !== undefined && !isDns1123Label(namespace))
      throw invalid('namespace', 'a namespace name', "the Application's metadata.namespace");

    const name = first(query, 'name');
    if (name !== undefined) {
      if (!isDns1123Subdomain(name))
        throw invalid('name', 'an application name', "the Application's metadata.name, e.g. guestbook");
      const record = await this.ctx.applications.find(name);
      if (!record || (namespace !== undefined && namespace !== namespaceOf(record))) badge.notFound = true;
      else {
        badge.health = record.status.health.status;
        badge.sync = record.status.sync.status;
        revision = syncedRevision(record);
        appName = name;
      }
    }

    const projects = all(query, 'project');
    if (projects.length > 0 && !badge.notFound) {
      for (const project of projects)
        if (project !== '' && !isDns1123Label(project.toLowerCase()))
          throw invalid('project', 'a project name', "an AppProject's metadata.name, e.g. default");
      const apps = (await this.ctx.applications.list()).filter(
        (record) =>
          projects.includes(projectOf(record)) &&
          (namespace === undefined || namespace === namespaceOf(record)),
      );
      if (apps.length > 0) {
        const synced = apps.every((a) => a.status.sync.status === 'Synced');
        const healthy = apps.every((a) => a.status.health.status === 'Healthy');
        badge.sync = synced ? 'Synced' : 'OutOfSync';
        badge.health = healthy ? 'Healthy' : 'Degraded';
      }
    }

    if (isTrue(first(query, 'revision')) && revision) {
      badge.revision = revision;
      badge.keepFullRevision = isTrue(first(query, 'keepFullRevision'));
    }
    const width = first(query, 'width');
    if (width !== undefined && /^\d{1,4}$/.test(width)) badge.width = Number(width);
    if (isTrue(first(query, 'showAppName')) && appName) badge.appName = appName;
    return statusBadgeSvg(badge);
  }
}

/** The revision the last sync went to (Argo CD: operationState.syncResult, its first revision when several). */
function syncedRevision(record: ApplicationRecord): string | undefined {
  const result = record.status.operationState?.syncResult;
  return result?.revisions?.[0] ?? result?.revision ?? undefined;
}

function projectOf(record: ApplicationRecord): string {
  return (record.manifest.spec as { project?: string }).project || 'default';
}

function namespaceOf(record: ApplicationRecord): string {
  return record.manifest.metadata.namespace ?? DEFAULT_APP_NAMESPACE;
}

function first(query: RawQuery, key: string): string | undefined {
  return all(query, key)[0];
}

function all(query: RawQuery, key: string): string[] {
  const value = query[key];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}

function invalid(parameter: string, what: string, fix: string): ValidationFailedError {
  return new ValidationFailedError('Query string', undefined, [
    { path: parameter, message: `is not ${what}`, fix },
  ]);
}
