/** An HTTP method as an OpenAPI path item names it. */
export type OperationMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One operation of Argo CD's REST API (grpc-gateway) as its `assets/swagger.json` lists it. */
export interface ArgoCdOperation {
  method: OperationMethod;
  /** Argo CD's path template, its parameter names included (`/api/v1/clusters/{id.value}`). */
  path: string;
  /** `<Service>_<Method>` of Argo CD's gRPC service; undefined for Argo CD's routes outside its swagger. */
  operationId?: string;
  /** The schema of the 200 answer in the document's components (a name of @berth/api-schemas). */
  answer?: string;
  /** The schema of the request body, where Argo CD's is one of those components. */
  request?: string;
  /** The answer is a stream: one JSON object per line (grpc-gateway's streaming form). */
  streamed?: boolean;
}

const op = (
  method: OperationMethod,
  path: string,
  operationId: string | undefined,
  more: Omit<ArgoCdOperation, 'method' | 'path' | 'operationId'> = {},
): ArgoCdOperation => ({ method, path, ...(operationId ? { operationId } : {}), ...more });

/**
 * Argo CD's operations (argoproj/argo-cd `assets/swagger.json`), whether Berth serves them yet or not: the
 * OpenAPI document tags a Berth route `argocd` when its method and path (parameter names aside) are one of
 * these, and `berth` otherwise. A route Argo CD answers outside its swagger (the badge, the Git webhook) is
 * listed without an operationId. docs/api.md says which ones Berth supports and how.
 */
export const ARGO_CD_OPERATIONS: readonly ArgoCdOperation[] = [
  // ApplicationService
  op('get', '/api/v1/applications', 'ApplicationService_List', { answer: 'v1alpha1ApplicationList' }),
  op('post', '/api/v1/applications', 'ApplicationService_Create', {
    answer: 'v1alpha1Application',
    request: 'v1alpha1Application',
  }),
  op('post', '/api/v1/applications/manifestsWithFiles', 'ApplicationService_GetManifestsWithFiles'),
  op('put', '/api/v1/applications/{application.metadata.name}', 'ApplicationService_Update', {
    answer: 'v1alpha1Application',
    request: 'v1alpha1Application',
  }),
  op('get', '/api/v1/applications/{name}', 'ApplicationService_Get', { answer: 'v1alpha1Application' }),
  op('delete', '/api/v1/applications/{name}', 'ApplicationService_Delete', {
    answer: 'applicationApplicationResponse',
  }),
  op('patch', '/api/v1/applications/{name}', 'ApplicationService_Patch', { answer: 'v1alpha1Application' }),
  op(
    'get',
    '/api/v1/applications/{applicationName}/managed-resources',
    'ApplicationService_ManagedResources',
    {
      answer: 'applicationManagedResourcesResponse',
    },
  ),
  op('get', '/api/v1/applications/{applicationName}/resource-tree', 'ApplicationService_ResourceTree'),
  op('get', '/api/v1/applications/{name}/events', 'ApplicationService_ListResourceEvents', {
    answer: 'v1EventList',
  }),
  op('get', '/api/v1/applications/{name}/links', 'ApplicationService_ListLinks'),
  op('get', '/api/v1/applications/{name}/logs', 'ApplicationService_PodLogs2', { streamed: true }),
  op('get', '/api/v1/applications/{name}/manifests', 'ApplicationService_GetManifests', {
    answer: 'repositoryManifestResponse',
  }),
  // Berth answers the Application where Argo CD answers {} (docs/api.md: partly).
  op('delete', '/api/v1/applications/{name}/operation', 'ApplicationService_TerminateOperation', {
    answer: 'v1alpha1Application',
  }),
  op('get', '/api/v1/applications/{name}/pods/{podName}/logs', 'ApplicationService_PodLogs', {
    streamed: true,
  }),
  op('get', '/api/v1/applications/{name}/resource', 'ApplicationService_GetResource', {
    answer: 'applicationApplicationResourceResponse',
  }),
  op('post', '/api/v1/applications/{name}/resource', 'ApplicationService_PatchResource', {
    answer: 'applicationApplicationResourceResponse',
  }),
  op('delete', '/api/v1/applications/{name}/resource', 'ApplicationService_DeleteResource', {
    answer: 'applicationApplicationResponse',
  }),
  op('get', '/api/v1/applications/{name}/resource/actions', 'ApplicationService_ListResourceActions', {
    answer: 'applicationResourceActionsListResponse',
  }),
  op('post', '/api/v1/applications/{name}/resource/actions', 'ApplicationService_RunResourceAction', {
    answer: 'applicationApplicationResponse',
  }),
  op('post', '/api/v1/applications/{name}/resource/actions/v2', 'ApplicationService_RunResourceActionV2', {
    answer: 'applicationApplicationResponse',
  }),
  op('get', '/api/v1/applications/{name}/resource/links', 'ApplicationService_ListResourceLinks'),
  op(
    'get',
    '/api/v1/applications/{name}/revisions/{revision}/chartdetails',
    'ApplicationService_RevisionChartDetails',
    { answer: 'v1alpha1ChartDetails' },
  ),
  op(
    'get',
    '/api/v1/applications/{name}/revisions/{revision}/metadata',
    'ApplicationService_RevisionMetadata',
    {
      answer: 'v1alpha1RevisionMetadata',
    },
  ),
  op(
    'get',
    '/api/v1/applications/{name}/revisions/{revision}/ocimetadata',
    'ApplicationService_GetOCIMetadata',
  ),
  op('post', '/api/v1/applications/{name}/rollback', 'ApplicationService_Rollback', {
    answer: 'v1alpha1Application',
  }),
  op('put', '/api/v1/applications/{name}/spec', 'ApplicationService_UpdateSpec', {
    answer: 'v1alpha1ApplicationSpec',
    request: 'v1alpha1ApplicationSpec',
  }),
  op('post', '/api/v1/applications/{name}/sync', 'ApplicationService_Sync', {
    answer: 'v1alpha1Application',
  }),
  op('get', '/api/v1/applications/{name}/syncwindows', 'ApplicationService_GetApplicationSyncWindows'),
  op('get', '/api/v1/applications/{appName}/server-side-diff', 'ApplicationService_ServerSideDiff'),
  op('get', '/api/v1/stream/applications', 'ApplicationService_Watch', {
    answer: 'streamResultOfV1alpha1ApplicationWatchEvent',
    streamed: true,
  }),
  op(
    'get',
    '/api/v1/stream/applications/{applicationName}/resource-tree',
    'ApplicationService_WatchResourceTree',
    { answer: 'streamResultOfV1alpha1ApplicationTree', streamed: true },
  ),
  // ProjectService
  op('get', '/api/v1/projects', 'ProjectService_List', { answer: 'v1alpha1AppProjectList' }),
  op('post', '/api/v1/projects', 'ProjectService_Create', { answer: 'v1alpha1AppProject' }),
  op('get', '/api/v1/projects/{name}', 'ProjectService_Get', { answer: 'v1alpha1AppProject' }),
  op('delete', '/api/v1/projects/{name}', 'ProjectService_Delete', { answer: 'emptyResponse' }),
  op('get', '/api/v1/projects/{name}/detailed', 'ProjectService_GetDetailedProject', {
    answer: 'projectDetailedProjectsResponse',
  }),
  op('get', '/api/v1/projects/{name}/events', 'ProjectService_ListEvents', { answer: 'v1EventList' }),
  op('get', '/api/v1/projects/{name}/globalprojects', 'ProjectService_GetGlobalProjects', {
    answer: 'projectGlobalProjectsResponse',
  }),
  op('get', '/api/v1/projects/{name}/links', 'ProjectService_ListLinks'),
  op('get', '/api/v1/projects/{name}/syncwindows', 'ProjectService_GetSyncWindowsState'),
  op('put', '/api/v1/projects/{project.metadata.name}', 'ProjectService_Update', {
    answer: 'v1alpha1AppProject',
  }),
  op('post', '/api/v1/projects/{project}/roles/{role}/token', 'ProjectService_CreateToken'),
  op('delete', '/api/v1/projects/{project}/roles/{role}/token/{iat}', 'ProjectService_DeleteToken', {
    answer: 'emptyResponse',
  }),
  // ClusterService
  op('get', '/api/v1/clusters', 'ClusterService_List', { answer: 'v1alpha1ClusterList' }),
  op('post', '/api/v1/clusters', 'ClusterService_Create', { answer: 'v1alpha1Cluster' }),
  op('get', '/api/v1/clusters/{id.value}', 'ClusterService_Get', { answer: 'v1alpha1Cluster' }),
  op('put', '/api/v1/clusters/{id.value}', 'ClusterService_Update', { answer: 'v1alpha1Cluster' }),
  op('delete', '/api/v1/clusters/{id.value}', 'ClusterService_Delete', { answer: 'emptyResponse' }),
  op('post', '/api/v1/clusters/{id.value}/invalidate-cache', 'ClusterService_InvalidateCache'),
  op('post', '/api/v1/clusters/{id.value}/rotate-auth', 'ClusterService_RotateAuth'),
  // RepositoryService
  op('get', '/api/v1/repositories', 'RepositoryService_ListRepositories'),
  op('post', '/api/v1/repositories', 'RepositoryService_CreateRepository'),
  op('put', '/api/v1/repositories/{repo.repo}', 'RepositoryService_UpdateRepository'),
  op('get', '/api/v1/repositories/{repo}', 'RepositoryService_Get'),
  op('delete', '/api/v1/repositories/{repo}', 'RepositoryService_DeleteRepository', {
    answer: 'emptyResponse',
  }),
  op('get', '/api/v1/repositories/{repo}/apps', 'RepositoryService_ListApps'),
  op('get', '/api/v1/repositories/{repo}/helmcharts', 'RepositoryService_GetHelmCharts'),
  op('get', '/api/v1/repositories/{repo}/refs', 'RepositoryService_ListRefs'),
  op('get', '/api/v1/repositories/{repo}/oci-tags', 'RepositoryService_ListOCITags'),
  op('post', '/api/v1/repositories/{repo}/appdetails', 'RepositoryService_GetAppDetails'),
  op('post', '/api/v1/repositories/{repo}/validate', 'RepositoryService_ValidateAccess'),
  // SessionService, AccountService
  op('post', '/api/v1/session', 'SessionService_Create'),
  op('delete', '/api/v1/session', 'SessionService_Delete'),
  op('get', '/api/v1/session/userinfo', 'SessionService_GetUserInfo'),
  // ApplicationSetService
  op('get', '/api/v1/applicationsets', 'ApplicationSetService_List'),
  op('post', '/api/v1/applicationsets', 'ApplicationSetService_Create'),
  op('post', '/api/v1/applicationsets/generate', 'ApplicationSetService_Generate'),
  op('get', '/api/v1/applicationsets/{name}', 'ApplicationSetService_Get'),
  op('delete', '/api/v1/applicationsets/{name}', 'ApplicationSetService_Delete'),
  op('get', '/api/v1/applicationsets/{name}/resource-tree', 'ApplicationSetService_ResourceTree'),
  op('get', '/api/v1/account', 'AccountService_ListAccounts'),
  op('get', '/api/v1/account/can-i/{resource}/{action}/{subresource}', 'AccountService_CanI'),
  op('put', '/api/v1/account/password', 'AccountService_UpdatePassword'),
  op('get', '/api/v1/account/{name}', 'AccountService_GetAccount'),
  op('post', '/api/v1/account/{name}/token', 'AccountService_CreateToken'),
  op('delete', '/api/v1/account/{name}/token/{id}', 'AccountService_DeleteToken'),
  // SettingsService, VersionService
  op('get', '/api/v1/settings', 'SettingsService_Get', { answer: 'clusterSettings' }),
  op('get', '/api/v1/settings/plugins', 'SettingsService_GetPlugins'),
  op('get', '/api/version', 'VersionService_Version', { answer: 'versionVersionMessage' }),
  // Argo CD's routes outside its swagger: the status badge (server/badge) and the Git webhook (server/webhook).
  op('get', '/api/badge', undefined),
  op('post', '/api/webhook', undefined),
];

/** A path template with its parameter names left out: `/api/v1/clusters/{}`. */
export const pathShape = (path: string): string => path.replace(/\{[^}]*\}/g, '{}');

const BY_SHAPE = new Map(ARGO_CD_OPERATIONS.map((o) => [`${o.method} ${pathShape(o.path)}`, o]));

/** Argo CD's operation with this method and path (parameter names aside), if it is one. */
export function argoCdOperationOf(method: string, path: string): ArgoCdOperation | undefined {
  return BY_SHAPE.get(`${method.toLowerCase()} ${pathShape(path)}`);
}
