import type { DynamicModule, Type } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { SchedulerModule } from '../../apps/scheduler/src/scheduler.module';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';

/**
 * Every route of the scheduler's Nest app, read from its controllers' decorators (as
 * route-permissions.spec.ts reads them): a route added later is listed without anybody adding it.
 * `path` is Nest's form (`/api/v1/applications/:name`).
 */
export function schedulerRoutes(ctx: SchedulerContext): Array<{ method: string; path: string }> {
  const module: DynamicModule = SchedulerModule.forRoot(ctx);
  const imported = (module.imports ?? []).flatMap((m) =>
    typeof m === 'object' && m !== null && 'controllers' in m ? [...(m.controllers ?? [])] : [],
  );
  const routes: Array<{ method: string; path: string }> = [];
  for (const controller of [...(module.controllers ?? []), ...imported] as Array<Type<unknown>>) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
      if (path === undefined || method === undefined) continue;
      const full = `/${[base, path]
        .map((p) => p.replace(/^\/|\/$/g, ''))
        .filter(Boolean)
        .join('/')}`;
      routes.push({ method: RequestMethod[method] ?? String(method), path: full });
    }
  }
  return routes;
}
