import type { Application, ApplicationSource } from './application.types';

/**
 * Defaults Berth writes into a validated Application, where Argo CD treats a missing value as this
 * value. Written (rather than read) so that events and projections never disagree about them.
 */
export interface ApplicationDefaults {
  /** Argo CD's `GetProject()` reads an empty project as `default`. */
  project: string;
  /** Argo CD resolves an empty Git targetRevision to HEAD. Not applied to Helm charts: there it is the version. */
  targetRevision: string;
}

export const ARGO_CD_APPLICATION_DEFAULTS: Readonly<ApplicationDefaults> = {
  project: 'default',
  targetRevision: 'HEAD',
};

/**
 * Argo CD keeps 10 entries of sync history when `revisionHistoryLimit` is absent. This is a read
 * default: it is not written into the object, so an Application round-trips as the user wrote it and
 * a later change of the default applies to every Application that did not choose one.
 */
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

export function revisionHistoryLimitOf(application: Application): number {
  return application.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
}

/** The sources of an Application, whichever of `source` / `sources` holds them. */
export function sourcesOf(application: Pick<Application, 'spec'>): ApplicationSource[] {
  if (application.spec.sources !== undefined && application.spec.sources.length > 0)
    return application.spec.sources;
  return application.spec.source === undefined ? [] : [application.spec.source];
}

function withSourceDefaults(source: ApplicationSource, defaults: ApplicationDefaults): void {
  const isChart = source.chart !== undefined && source.chart !== '';
  if (!isChart && (source.targetRevision === undefined || source.targetRevision === '')) {
    source.targetRevision = defaults.targetRevision;
  }
}

/** Writes the defaults into a (freshly copied) Application; mutates and returns it. */
export function applyApplicationDefaults(
  application: Application,
  defaults: ApplicationDefaults,
): Application {
  if (
    application.spec.project === undefined ||
    application.spec.project === null ||
    application.spec.project === ''
  ) {
    application.spec.project = defaults.project;
  }
  for (const source of sourcesOf(application)) withSourceDefaults(source, defaults);
  return application;
}
