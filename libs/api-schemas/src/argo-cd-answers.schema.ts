import type { JsonSchema } from './json-schema';

/**
 * The answers of Argo CD's operations that Berth serves, one JSON Schema (draft-07) each, written from the
 * definitions of Argo CD's `assets/swagger.json`. Keyed by shape name (`application`, `runtime-error` ...);
 * `component` is the swagger definition's name, under which the OpenAPI document lists the schema.
 * References point into ARGO_CD_DEFINITIONS (`argo-cd-definitions.schema.json#/definitions/<name>`).
 */
export const ARGO_CD_ANSWERS = {
  application: {
    component: 'v1alpha1Application',
    schema: {
      $id: 'application.schema.json',
      $comment: 'ApplicationService Get/Create/Update/Sync/Rollback answer: v1alpha1Application.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/v1alpha1Application',
    },
  },
  'application-list': {
    component: 'v1alpha1ApplicationList',
    schema: {
      $id: 'application-list.schema.json',
      $comment: 'ApplicationService List answer: v1alpha1ApplicationList.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/v1alpha1ApplicationList',
    },
  },
  'application-spec': {
    component: 'v1alpha1ApplicationSpec',
    schema: {
      $id: 'application-spec.schema.json',
      $comment: 'ApplicationService UpdateSpec answer: v1alpha1ApplicationSpec.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/v1alpha1ApplicationSpec',
    },
  },
  'app-project': {
    component: 'v1alpha1AppProject',
    schema: {
      $id: 'app-project.schema.json',
      $comment: 'ProjectService Get/Create/Update answer: v1alpha1AppProject.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/v1alpha1AppProject',
    },
  },
  'detailed-project': {
    component: 'projectDetailedProjectsResponse',
    schema: {
      $id: 'detailed-project.schema.json',
      $comment: 'ProjectService GetDetailedProject answer: projectDetailedProjectsResponse.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/projectDetailedProjectsResponse',
    },
  },
  'global-projects': {
    component: 'projectGlobalProjectsResponse',
    schema: {
      $id: 'global-projects.schema.json',
      $comment: 'ProjectService GetGlobalProjects answer: projectGlobalProjectsResponse.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/projectGlobalProjectsResponse',
    },
  },
  cluster: {
    component: 'v1alpha1Cluster',
    schema: {
      $id: 'cluster.schema.json',
      $comment: 'ClusterService Get/Create/Update answer: v1alpha1Cluster.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/v1alpha1Cluster',
    },
  },
  'cluster-list': {
    component: 'v1alpha1ClusterList',
    schema: {
      $id: 'cluster-list.schema.json',
      $comment: 'ClusterService List answer: v1alpha1ClusterList.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/v1alpha1ClusterList',
    },
  },
  'empty-response': {
    component: 'emptyResponse',
    schema: {
      $id: 'empty-response.schema.json',
      $comment:
        'Delete answers: ApplicationResponse / projectEmptyResponse / clusterClusterResponse / repositoryRepoResponse, all without fields: {}.',
      type: 'object',
      additionalProperties: false,
    },
  },
  'event-list': {
    component: 'v1EventList',
    schema: {
      $id: 'event-list.schema.json',
      $comment: 'ApplicationService ListResourceEvents answer: v1EventList.',
      $ref: 'argo-cd-definitions.schema.json#/definitions/v1EventList',
    },
  },
  'manifest-response': {
    component: 'repositoryManifestResponse',
    schema: {
      $id: 'manifest-response.schema.json',
      $comment:
        'ApplicationService GetManifests answer: repositoryManifestResponse (each manifest a JSON document as a string). Closed: a client reads exactly these.',
      type: 'object',
      additionalProperties: false,
      required: ['manifests', 'revision', 'sourceType'],
      properties: {
        manifests: { type: 'array', items: { type: 'string' } },
        namespace: { type: 'string' },
        server: { type: 'string' },
        revision: { type: 'string' },
        sourceType: { type: 'string' },
        verifyResult: { type: 'string' },
      },
    },
  },
  'revision-metadata': {
    component: 'v1alpha1RevisionMetadata',
    schema: {
      $id: 'revision-metadata.schema.json',
      $comment:
        'ApplicationService RevisionMetadata answer: v1alpha1RevisionMetadata (newer Argo CD adds references).',
      type: 'object',
      additionalProperties: false,
      required: ['author', 'date', 'message'],
      properties: {
        author: { type: 'string' },
        date: { $ref: 'argo-cd-definitions.schema.json#/definitions/time' },
        message: { type: 'string' },
        signatureInfo: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        references: { type: 'array', items: { type: 'object' } },
      },
    },
  },
  'chart-details': {
    component: 'v1alpha1ChartDetails',
    schema: {
      $id: 'chart-details.schema.json',
      $comment: 'ApplicationService RevisionChartDetails answer: v1alpha1ChartDetails.',
      type: 'object',
      additionalProperties: false,
      properties: {
        description: { type: 'string' },
        home: { type: 'string' },
        maintainers: { type: 'array', items: { type: 'string' } },
      },
    },
  },
  'version-message': {
    component: 'versionVersionMessage',
    schema: {
      $id: 'version-message.schema.json',
      $comment:
        'VersionService Version answer: versionVersionMessage (Go field names, as Argo CD sends them).',
      type: 'object',
      additionalProperties: false,
      required: ['Version'],
      properties: {
        Version: { type: 'string', pattern: '^v\\d+\\.\\d+\\.\\d+' },
        BuildDate: { type: 'string' },
        GitCommit: { type: 'string' },
        GitTag: { type: 'string' },
        GitTreeState: { type: 'string' },
        GoVersion: { type: 'string' },
        Compiler: { type: 'string' },
        Platform: { type: 'string' },
        KustomizeVersion: { type: 'string' },
        HelmVersion: { type: 'string' },
        KubectlVersion: { type: 'string' },
        JsonnetVersion: { type: 'string' },
        KsonnetVersion: { type: 'string' },
        ExtraBuildInfo: { type: 'string' },
      },
    },
  },
  settings: {
    component: 'clusterSettings',
    schema: {
      $id: 'settings.schema.json',
      $comment:
        'SettingsService Get answer: clusterSettings. Closed: every property is one Argo CD defines. oidcConfig only when SSO is configured (never its client secret), as Argo CD.',
      type: 'object',
      additionalProperties: false,
      required: ['statusBadgeEnabled'],
      properties: {
        url: { type: 'string' },
        additionalUrls: { type: 'array', items: { type: 'string' } },
        appLabelKey: { type: 'string' },
        trackingMethod: { type: 'string' },
        statusBadgeEnabled: { type: 'boolean' },
        statusBadgeRootUrl: { type: 'string' },
        dexConfig: { type: 'object' },
        oidcConfig: {
          oneOf: [
            {
              type: 'object',
              properties: {
                name: { type: 'string' },
                issuer: { type: 'string' },
                clientID: { type: 'string' },
                cliClientID: { type: 'string' },
                scopes: { type: 'array', items: { type: 'string' } },
                idTokenClaims: { type: 'object' },
                enablePKCEAuthentication: { type: 'boolean' },
              },
            },
          ],
        },
        googleAnalytics: { type: 'object' },
        help: { type: 'object' },
        kustomizeOptions: { type: 'object' },
        kustomizeVersions: { type: 'array', items: { type: 'string' } },
        plugins: { type: 'array', items: { type: 'object' } },
        configManagementPlugins: { type: 'array', items: { type: 'object' } },
        resourceOverrides: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              healthLua: { type: 'string' },
              useOpenLibs: { type: 'boolean' },
              actions: { type: 'string' },
              ignoreDifferences: { type: 'object' },
              ignoreResourceUpdates: { type: 'object' },
              knownTypeFields: { type: 'array', items: { type: 'object' } },
            },
          },
        },
        uiBannerContent: { type: 'string' },
        uiBannerURL: { type: 'string' },
        uiBannerPermanent: { type: 'boolean' },
        uiBannerPosition: { type: 'string' },
        uiCssURL: { type: 'string' },
        uiLoginButtonText: { type: 'string' },
        userLoginsDisabled: { type: 'boolean' },
        passwordPattern: { type: 'string' },
        execEnabled: { type: 'boolean' },
        appsInAnyNamespaceEnabled: { type: 'boolean' },
        controllerNamespace: { type: 'string' },
        installationID: { type: 'string' },
        impersonationEnabled: { type: 'boolean' },
        hydratorEnabled: { type: 'boolean' },
        syncWithReplaceAllowed: { type: 'boolean' },
        resourceViewEnabled: { type: 'boolean' },
      },
    },
  },
  'runtime-error': {
    component: 'runtimeError',
    schema: {
      $id: 'runtime-error.schema.json',
      $comment:
        "Every error answer: runtimeError (grpc-gateway): error, code (the gRPC code number) and message. Berth's error is the class of problem (Invalid, NotFound...) where Argo CD repeats the message; both are strings.",
      type: 'object',
      required: ['error', 'code', 'message'],
      properties: {
        error: { type: 'string' },
        message: { type: 'string', minLength: 1 },
        code: { type: 'integer', enum: [2, 3, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16] },
        details: {
          type: 'array',
          items: { $ref: 'argo-cd-definitions.schema.json#/definitions/protobufAny' },
        },
      },
    },
  },
  'watch-event': {
    component: 'streamResultOfV1alpha1ApplicationWatchEvent',
    schema: {
      $id: 'watch-event.schema.json',
      $comment:
        "One line of ApplicationService Watch (GET /api/v1/stream/applications): grpc-gateway's stream result of v1alpha1ApplicationWatchEvent, or a runtimeStreamError.",
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['result'],
          properties: {
            result: {
              type: 'object',
              additionalProperties: false,
              required: ['type', 'application'],
              properties: {
                type: { enum: ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] },
                application: { $ref: 'argo-cd-definitions.schema.json#/definitions/v1alpha1Application' },
              },
            },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              properties: {
                grpc_code: { type: 'integer' },
                http_code: { type: 'integer' },
                message: { type: 'string' },
                http_status: { type: 'string' },
                details: { type: 'array', items: { type: 'object' } },
              },
            },
          },
        },
      ],
    },
  },
  'application-tree-stream-line': {
    component: 'streamResultOfV1alpha1ApplicationTree',
    schema: {
      $id: 'application-tree-stream-line.schema.json',
      $comment:
        'One line of ApplicationService WatchResourceTree (GET /api/v1/stream/applications/{applicationName}/resource-tree): grpc-gateway\'s stream result of v1alpha1ApplicationTree, or a runtimeStreamError. ResourceNode embeds ResourceRef inline (json:",inline"), so group/version/kind/namespace/name/uid sit on the node itself, as Argo CD\'s API server sends it; the swagger shows it as resourceRef.',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['result'],
          properties: { result: { $ref: '#/definitions/v1alpha1ApplicationTree' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              properties: {
                grpc_code: { type: 'integer' },
                http_code: { type: 'integer' },
                message: { type: 'string' },
                http_status: { type: 'string' },
                details: { type: 'array', items: { type: 'object' } },
              },
            },
          },
        },
      ],
      definitions: {
        v1alpha1ApplicationTree: {
          type: 'object',
          additionalProperties: false,
          properties: {
            nodes: { type: 'array', items: { $ref: '#/definitions/v1alpha1ResourceNode' } },
            orphanedNodes: { type: 'array', items: { $ref: '#/definitions/v1alpha1ResourceNode' } },
            hosts: { type: 'array', items: { type: 'object' } },
            shardsCount: { type: 'integer' },
          },
        },
        v1alpha1ResourceRef: {
          type: 'object',
          additionalProperties: false,
          properties: {
            group: { type: 'string' },
            version: { type: 'string' },
            kind: { type: 'string' },
            namespace: { type: 'string' },
            name: { type: 'string' },
            uid: { type: 'string' },
          },
        },
        v1alpha1ResourceNode: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'name'],
          properties: {
            group: { type: 'string' },
            version: { type: 'string' },
            kind: { type: 'string' },
            namespace: { type: 'string' },
            name: { type: 'string' },
            uid: { type: 'string' },
            parentRefs: { type: 'array', items: { $ref: '#/definitions/v1alpha1ResourceRef' } },
            info: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                properties: { name: { type: 'string' }, value: { type: 'string' } },
              },
            },
            networkingInfo: { type: 'object' },
            resourceVersion: { type: 'string' },
            images: { type: 'array', items: { type: 'string' } },
            health: { $ref: 'argo-cd-definitions.schema.json#/definitions/v1alpha1HealthStatus' },
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
  'resource-actions-list': {
    component: 'applicationResourceActionsListResponse',
    schema: {
      $id: 'resource-actions-list.schema.json',
      $comment:
        'ApplicationService ListResourceActions answer: applicationResourceActionsListResponse, each action a v1alpha1ResourceAction (params: v1alpha1ResourceActionParam). Closed: a client reads exactly these.',
      type: 'object',
      additionalProperties: false,
      properties: {
        actions: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
              name: { type: 'string' },
              disabled: { type: 'boolean' },
              iconClass: { type: 'string' },
              displayName: { type: 'string' },
              params: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    name: { type: 'string' },
                    value: { type: 'string' },
                    type: { type: 'string' },
                    default: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  'application-resource-response': {
    component: 'applicationApplicationResourceResponse',
    schema: {
      $id: 'application-resource-response.schema.json',
      $comment:
        'ApplicationService GetResource and PatchResource answer: applicationApplicationResourceResponse (the live object as a JSON string). Closed.',
      type: 'object',
      additionalProperties: false,
      required: ['manifest'],
      properties: { manifest: { type: 'string' } },
    },
  },
  'managed-resources-response': {
    component: 'applicationManagedResourcesResponse',
    schema: {
      $id: 'managed-resources-response.schema.json',
      $comment:
        'ApplicationService ManagedResources answer: applicationManagedResourcesResponse, items of v1alpha1ResourceDiff (each state a JSON document as a string; diff is deprecated). Closed: a client reads exactly these.',
      type: 'object',
      additionalProperties: false,
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'name'],
            properties: {
              group: { type: 'string' },
              kind: { type: 'string' },
              namespace: { type: 'string' },
              name: { type: 'string' },
              targetState: { type: 'string' },
              liveState: { type: 'string' },
              normalizedLiveState: { type: 'string' },
              predictedLiveState: { type: 'string' },
              diff: { type: 'string' },
              hook: { type: 'boolean' },
              modified: { type: 'boolean' },
              resourceVersion: { type: 'string' },
            },
          },
        },
      },
    },
  },
  'application-response': {
    component: 'applicationApplicationResponse',
    schema: {
      $id: 'application-response.schema.json',
      $comment:
        'ApplicationService RunResourceAction, RunResourceActionV2 and DeleteResource answer: applicationApplicationResponse, an object without fields.',
      type: 'object',
      additionalProperties: false,
      properties: {},
    },
  },
} as const satisfies Record<string, { component: string; schema: JsonSchema }>;

/** The name of an answer shape (`application`, `runtime-error` ...). */
export type ArgoShape = keyof typeof ARGO_CD_ANSWERS;
