import { DEFAULT_APP_NAMESPACE, DEFAULT_PROJECT_NAME, DomainError } from '@berth/domain';
import type { ApplicationRecord } from '@berth/event-store';
import type { SchedulerContext } from '../scheduler.context';

/**
 * The application a request names, as Argo CD's clients name it: by name, and often also by the namespace
 * and project it is in. Another namespace or project names another application: 404, as for a missing one.
 */
export async function namedApplication(
  ctx: Pick<SchedulerContext, 'applications'>,
  name: string,
  where: { appNamespace?: string | undefined; project?: string | undefined },
): Promise<ApplicationRecord> {
  const record = await ctx.applications.find(name);
  if (!record)
    throw new DomainError(
      'NotFound',
      `application "${name}" not found; list them with GET /api/v1/applications`,
    );
  if (
    where.appNamespace &&
    where.appNamespace !== (record.manifest.metadata.namespace ?? DEFAULT_APP_NAMESPACE)
  )
    throw new DomainError('NotFound', `application "${name}" not found in namespace "${where.appNamespace}"`);
  const project = (record.manifest.spec as { project?: string }).project || DEFAULT_PROJECT_NAME;
  if (where.project && where.project !== project)
    throw new DomainError('NotFound', `application "${name}" not found in project "${where.project}"`);
  return record;
}
