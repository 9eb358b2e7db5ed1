import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_ROUTE, type PublicRoute } from '@berth/auth';
import { componentRef, openApiSchemas } from '@berth/api-schemas';
import { berthVersion } from '../public/berth-version';
import { argoCdOperationOf, type ArgoCdOperation } from './argo-cd-operations';

/** The tag of Argo CD's routes, and of Berth's own. */
export const ARGO_CD_TAG = 'argocd';
export const BERTH_TAG = 'berth';

const ERROR = 'runtimeError';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** A token as a bearer header or as Argo CD's `argocd.token` cookie. */
const AUTHENTICATED: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: object }> }>;
  requestBody?: { content?: Record<string, { schema?: object }>; required?: boolean };
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: object }>;
};

/**
 * The OpenAPI 3.1 document of the scheduler's HTTP API (GET /api/openapi.json): the routes as
 * @nestjs/swagger reads them from the controllers, then each one told apart as Argo CD's (tag `argocd`, its
 * swagger operationId, the schema of its answer from @berth/api-schemas) or Berth's own (tag `berth`), public
 * ones marked `security: []`, and every refusal declared as Argo CD's runtimeError. Built from the routes'
 * declarations alone: nothing of the configuration (no URL, secret or file path) goes into it.
 */
export function schedulerOpenApiDocument(app: INestApplication, root: DynamicModule): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Berth API')
    .setDescription(
      "Argo CD's REST API (tag `argocd`: same routes, requests and answers as Argo CD's `assets/swagger.json`) " +
        "and Berth's own routes (tag `berth`). Authenticate with `Authorization: Bearer <token>` " +
        '(POST /api/v1/session, or an API key) or the `argocd.token` cookie; errors answer ' +
        '`{error, code, message}` with the gRPC code. See docs/api.md.',
    )
    .setVersion(berthVersion())
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addCookieAuth('argocd.token', { type: 'apiKey', in: 'cookie' }, 'cookie')
    .addTag(
      ARGO_CD_TAG,
      "Argo CD's operations (its swagger's operationIds); docs/api.md says how far each goes",
    )
    .addTag(BERTH_TAG, "Berth's additions: history, audit, refresh, approvals, prune confirmation, health")
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller}_${method}`,
    autoTagControllers: false,
  });
  const publicHandlers = publicHandlersOf(controllersOf(root));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (operation) describe(operation, method, path, publicHandlers.get(operation.operationId ?? ''));
    }
  }
  document.security = AUTHENTICATED;
  delete document.servers; // the page's own origin: the document names no host
  delete document.info.contact;
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...openApiSchemas() },
  };
  return document;
}

function describe(operation: Operation, method: string, path: string, access: PublicRoute | undefined): void {
  const argo = argoCdOperationOf(method, path);
  operation.tags = [argo ? ARGO_CD_TAG : BERTH_TAG];
  if (argo?.operationId) operation.operationId = argo.operationId;
  // `{}` among the requirements: a token is optional (metrics are open unless BERTH_METRICS_REQUIRE_AUTH).
  if (access === 'always') operation.security = [];
  if (access === 'metrics') operation.security = [{}, ...AUTHENTICATED];
  declarePathParameters(operation, path);
  operation.description = [
    argo?.operationId ? `Argo CD's ${argo.operationId.replace('_', '.')}.` : undefined,
    argo && !argo.operationId ? "Argo CD's route, outside its swagger." : undefined,
    access === 'always' ? 'Public: answers without a token.' : undefined,
    access === 'metrics' ? 'Public unless BERTH_METRICS_REQUIRE_AUTH is set.' : undefined,
    argo?.streamed ? 'Streamed: one JSON object per line, held open while the client reads.' : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const statuses = Object.keys(operation.responses ?? {});
  const status = statuses.find((s) => s.startsWith('2')) ?? '200';
  operation.responses = {
    [status]: answerOf(argo),
    default: {
      description: 'A refusal: `{error, code, message}`, `code` the gRPC code (docs/api.md, "Errors")',
      content: { 'application/json': { schema: { $ref: componentRef(ERROR) } } },
    },
  };
  if (argo?.request)
    operation.requestBody = {
      required: true,
      content: {
        'application/json': { schema: { $ref: componentRef(argo.request) } },
        'application/yaml': { schema: { $ref: componentRef(argo.request) } },
      },
    };
}

function answerOf(argo: ArgoCdOperation | undefined) {
  if (!argo?.answer) return { description: 'OK' };
  return {
    description: argo.streamed ? 'OK: newline-delimited, each line this object' : 'OK',
    content: { 'application/json': { schema: { $ref: componentRef(argo.answer) } } },
  };
}

/**
 * A path parameter the scanner leaves out (a wildcard such as can-i's `*subresource`) is declared anyway:
 * OpenAPI wants every `{name}` of a path among its parameters.
 */
function declarePathParameters(operation: Operation, path: string): void {
  const parameters = (operation.parameters ??= []);
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!name || parameters.some((p) => p.in === 'path' && p.name === name)) continue;
    parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  }
}

/** The controllers of the app: the root module's and those of the modules it imports (health, metrics). */
function controllersOf(root: DynamicModule): Type<unknown>[] {
  const imported = (root.imports ?? []).flatMap((m) =>
    typeof m === 'object' && m !== null && 'controllers' in m ? [...(m.controllers ?? [])] : [],
  );
  return [...(root.controllers ?? []), ...imported];
}

/** `Controller_handler` of every public route (@Public() or @PublicMetrics(), on the handler or its class). */
function publicHandlersOf(controllers: readonly Type<unknown>[]): Map<string, PublicRoute> {
  const handlers = new Map<string, PublicRoute>();
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[key];
      if (key === 'constructor' || typeof handler !== 'function') continue;
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const access = (Reflect.getMetadata(PUBLIC_ROUTE, handler) ??
        Reflect.getMetadata(PUBLIC_ROUTE, controller)) as PublicRoute | undefined;
      if (access) handlers.set(`${controller.name}_${key}`, access);
    }
  }
  return handlers;
}
