import { ProjectsRepository } from '@berth/event-store';
import type { BerthConfig } from '@berth/infra';
import { RbacConfigSource } from '@berth/rbac';
import type { DataSource } from 'typeorm';
import type { Authentication } from './authentication';
import { Authorizer } from './authorizer';
import { BERTH_ISSUER } from './token-codec';

/** A process's RBAC: the argocd-rbac-cm file in force (hot reloaded) and the Authorizer over it. */
export interface OpenedAuthorization {
  rbac: RbacConfigSource;
  authorizer: Authorizer;
  stop(): void;
}

/**
 * Opens the RBAC policy of BerthConfig.rbacConfigFile and the Authorizer every process's routes use, with
 * the projects' roles read from the projects read model. `log` gets the config's load and reload lines.
 */
export async function openAuthorization(options: {
  config: BerthConfig;
  dataSource: DataSource;
  auth: Authentication;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
}): Promise<OpenedAuthorization> {
  const rbac = new RbacConfigSource({
    file: options.config.rbacConfigFile,
    ...(options.log ? { log: options.log } : {}),
    // Tokens Berth signs carry `iss: berth`: their `sub` is read as an account or a project role.
    enforcer: { localIssuer: BERTH_ISSUER },
  });
  await rbac.start();
  const projects = new ProjectsRepository(options.dataSource);
  const authorizer = new Authorizer({
    rbac,
    project: (name) => projects.find(name),
    allProjects: () => projects.list(),
    groupsClaim: () => options.auth.settings.oidc?.groupsClaim ?? 'groups',
  });
  return { rbac, authorizer, stop: () => rbac.stop() };
}
