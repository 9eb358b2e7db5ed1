import { berthVersion, type HttpApiDescription, type OperationClass } from '@berth/runtime';
import { argoCdOperationOf } from './argo-cd-operations';

/** The tag of Argo CD's routes, and of Berth's own. */
export const ARGO_CD_TAG = 'argocd';
export const BERTH_TAG = 'berth';

/**
 * How the scheduler's API is described (GET /api/openapi.json, /api/docs): a route is Argo CD's (tag
 * `argocd`, its swagger's operationId and the schema of its answer) when its method and path are one of
 * ARGO_CD_OPERATIONS, Berth's own (tag `berth`) otherwise. No decorator on the controllers is needed.
 */
export function schedulerApiDescription(): HttpApiDescription {
  return {
    title: 'Berth API',
    description:
      "Argo CD's REST API (tag `argocd`: same routes, requests and answers as Argo CD's `assets/swagger.json`) " +
      "and Berth's own routes (tag `berth`). Authenticate with `Authorization: Bearer <token>` " +
      '(POST /api/v1/session, or an API key) or the `argocd.token` cookie; errors answer ' +
      '`{error, code, message}` with the gRPC code. See docs/api.md.',
    version: berthVersion(),
    tags: [
      {
        name: ARGO_CD_TAG,
        description: "Argo CD's operations (its swagger's operationIds); docs/api.md says how far each goes",
      },
      {
        name: BERTH_TAG,
        description: "Berth's additions: history, audit, refresh, approvals, prune confirmation, health",
      },
    ],
    classify: (method, path): OperationClass => {
      const argo = argoCdOperationOf(method, path);
      if (!argo) return { tag: BERTH_TAG };
      return {
        tag: ARGO_CD_TAG,
        notes: [
          argo.operationId
            ? `Argo CD's ${argo.operationId.replace('_', '.')}.`
            : "Argo CD's route, outside its swagger.",
        ],
        ...(argo.operationId ? { operationId: argo.operationId } : {}),
        ...(argo.answer ? { answer: argo.answer } : {}),
        ...(argo.request ? { request: argo.request } : {}),
        ...(argo.streamed ? { streamed: true } : {}),
      };
    },
  };
}
