import type { INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_ROUTE, type PublicRoute } from '@berth/auth';
import { componentRef, openApiSchemas } from '@berth/api-schemas';

/** What the document says of one operation beyond what the scanner reads from the controller. */
export interface OperationClass {
  /** The one tag the operation is listed under (`argocd`, `berth`). */
  tag: string;
  /** Replaces the scanner's `Controller_handler`, e.g. Argo CD's `ApplicationService_Sync`. */
  operationId?: string;
  /** Sentences for the operation's description. */
  notes?: string[];
  /** The schema of the success answer, a name in components.schemas (@berth/api-schemas). */
  answer?: string;
  /** The schema of the request body, a name in components.schemas. */
  request?: string;
  /** The answer is a stream: one JSON object per line. */
  streamed?: boolean;
}

/** How a process describes its HTTP API. */
export interface HttpApiDescription {
  title: string;
  description: string;
  version: string;
  /** The tags, in the order a docs page lists them, with what each holds. */
  tags: ReadonlyArray<{ name: string; description: string }>;
  /** Tells each operation apart, by its method (`get`) and OpenAPI path (`/api/v1/applications/{name}`). */
  classify(method: string, path: string): OperationClass;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** A token as a bearer header or as Argo CD's `argocd.token` cookie. */
const AUTHENTICATED: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];
/** Every refusal of every Berth process: grpc-gateway's runtimeError, `{error, code, message}`. */
const ERROR = 'runtimeError';

type Operation = {
  operationId?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: object }> }>;
  requestBody?: { content?: Record<string, { schema?: object }>; required?: boolean };
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: object }>;
};

/**
 * The OpenAPI 3.1 document of a Berth process's HTTP API (GET /api/openapi.json): the routes as
 * @nestjs/swagger reads them from the controllers, then each one classified by the process (tag,
 * operationId, the schema of its answer from @berth/api-schemas), public ones marked `security: []`, and
 * every refusal declared as runtimeError. Built from the routes' declarations alone: nothing of the
 * configuration (no URL, secret or file path) goes into it.
 */
export function httpApiDocument(app: INestApplication, api: HttpApiDescription): OpenAPIObject {
  let builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(api.title)
    .setDescription(api.description)
    .setVersion(api.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addCookieAuth('argocd.token', { type: 'apiKey', in: 'cookie' }, 'cookie');
  for (const tag of api.tags) builder = builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controller, method) => `${controller}_${method}`,
    autoTagControllers: false,
  });
  const publicHandlers = publicHandlersOf(app);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (!operation) continue;
      const access = publicHandlers.get(operation.operationId ?? '');
      describe(operation, path, api.classify(method, path), access);
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

function describe(
  operation: Operation,
  path: string,
  kind: OperationClass,
  access: PublicRoute | undefined,
): void {
  operation.tags = [kind.tag];
  if (kind.operationId) operation.operationId = kind.operationId;
  // `{}` among the requirements: a token is optional (metrics are open unless BERTH_METRICS_REQUIRE_AUTH).
  if (access === 'always') operation.security = [];
  if (access === 'metrics') operation.security = [{}, ...AUTHENTICATED];
  declarePathParameters(operation, path);
  operation.description = [
    ...(kind.notes ?? []),
    access === 'always' ? 'Public: answers without a token.' : undefined,
    access === 'metrics' ? 'Public unless BERTH_METRICS_REQUIRE_AUTH is set.' : undefined,
    kind.streamed ? 'Streamed: one JSON object per line, held open while the client reads.' : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const statuses = Object.keys(operation.responses ?? {});
  const status = statuses.find((s) => s.startsWith('2')) ?? '200';
  operation.responses = {
    [status]: kind.answer
      ? {
          description: kind.streamed ? 'OK: newline-delimited, each line this object' : 'OK',
          content: { 'application/json': { schema: { $ref: componentRef(kind.answer) } } },
        }
      : { description: 'OK' },
    default: {
      description: 'A refusal: `{error, code, message}`, `code` the gRPC code (docs/api.md, "Errors")',
      content: { 'application/json': { schema: { $ref: componentRef(ERROR) } } },
    },
  };
  if (kind.request)
    operation.requestBody = {
      required: true,
      content: {
        'application/json': { schema: { $ref: componentRef(kind.request) } },
        'application/yaml': { schema: { $ref: componentRef(kind.request) } },
      },
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

/** `Controller_handler` of every public route of the app (@Public() or @PublicMetrics(), on the handler or its class). */
function publicHandlersOf(app: INestApplication): Map<string, PublicRoute> {
  const handlers = new Map<string, PublicRoute>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
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
  }
  return handlers;
}
