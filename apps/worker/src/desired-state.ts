import {
  type Application,
  type ApplicationState,
  isKubeObject,
  type KubeObject,
  appFilesHaveChanged,
  appRefreshPaths,
  sourcesOf,
} from '@berth/domain';
import type { RenderRequest } from '@berth/render';
import { prepareObjects } from '@berth/kube';
import type { ClusterTarget } from './app-of-apps.target';
import type { WorkerDeps } from './worker-deps';

/** What Git says the app should be, at one commit, ready to diff and apply. */
export interface DesiredState {
  objects: KubeObject[];
  /** The commit rendered (first rendered source). */
  revision: string;
  /** What the spec asked for (`main`, `v1.2.0`, a SHA). */
  targetRevision: string;
}

/** The Application of a state that exists (callers check `exists` first). */
export function applicationOf(state: Pick<ApplicationState, 'manifest'>): Application {
  return state.manifest as unknown as Application;
}

/**
 * Renders the app's sources (cached unless `hard`), at `revision` when given (a sync of a
 * specific commit), and prepares the objects for this cluster: namespaced objects without a
 * namespace get `spec.destination.namespace`, cluster-scoped ones lose a namespace Git set, and every
 * object carries the tracking id.
 */
export async function renderDesired(
  deps: WorkerDeps,
  app: Application,
  cluster: ClusterTarget,
  options: {
    hard: boolean;
    revision?: string;
    refsNotBefore?: number;
    /** The revision last compared: with manifest-generate-paths, its manifests serve a commit that did not touch the app. */
    previousRevision?: string | null;
  },
): Promise<DesiredState> {
  const sources = sourcesOf(app).map((s) => ({ ...s }));
  const targetRevision = sources[0]?.targetRevision ?? 'HEAD';
  if (options.revision && sources[0]) sources[0].targetRevision = options.revision;
  // Registered repositories' credentials, opened ahead of the (synchronous) git credential lookup and
  // scoped to what the app's project may use.
  const access = await deps.credentials?.forApplication(app);
  const rendered = await deps.renderer.render({
    ...(access
      ? {
          credentials: access.credentials,
          remoteBases: access.permitsSource,
          helmRepositories: access.helmRepositories,
        }
      : {}),
    appName: app.metadata.name,
    ...(app.spec.project ? { project: app.spec.project } : {}),
    ...(app.spec.destination.namespace ? { namespace: app.spec.destination.namespace } : {}),
    ...(sources.length > 1 ? { sources } : { source: sources[0]! }),
    hardRefresh: options.hard,
    ...(options.refsNotBefore !== undefined ? { refsNotBefore: options.refsNotBefore } : {}),
    ...reuseWhenUnchanged(app, options.previousRevision),
  });
  const objects = await prepareObjects(
    cluster,
    app.metadata.name,
    app.spec.destination.namespace,
    rendered.objects.filter(isKubeObject),
  );
  return { objects, revision: rendered.revision, targetRevision };
}

export { prepareObjects };

/** Argo CD's manifest-generate-paths: an annotated app keeps its manifests across commits that did not touch its paths. */
function reuseWhenUnchanged(
  app: Application,
  previousRevision: string | null | undefined,
): Pick<RenderRequest, 'reuseWhenUnchanged'> {
  const paths = appRefreshPaths(app);
  if (!previousRevision || !paths || paths.length === 0) return {};
  return {
    reuseWhenUnchanged: {
      previousRevision,
      // An empty diff is "nothing changed" here (appFilesHaveChanged reads it as "the payload did not say").
      unchanged: (files) => files.length === 0 || !appFilesHaveChanged(paths, files),
    },
  };
}
