import { describe, expect, it } from '@jest/globals';
import { PUBLIC_ROUTE, ROUTE_PERMISSION, type RoutePermission } from '@berth/auth';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { NotifierModule } from '../../notifier/src/notifier.module';
import type { NotifierRuntime } from '../../notifier/src/notifier.runtime';
import { SchedulerModule } from './scheduler.module';
import type { SchedulerContext } from './scheduler.context';

type Controller = abstract new (...args: never[]) => object;

/** Every handler of `controllers`: `Class.method` with its public flag and its declared permission. */
function routesOf(controllers: readonly Controller[]) {
  return controllers.flatMap((controller) => {
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype)
      .filter((key) => key !== 'constructor' && typeof prototype[key] === 'function')
      .filter((key) => Reflect.getMetadata(METHOD_METADATA, prototype[key] as object) !== undefined)
      .map((key) => {
        const handler = prototype[key] as object;
        const meta = (name: string): unknown =>
          (Reflect.getMetadata(name, handler) as unknown) ??
          (Reflect.getMetadata(name, controller) as unknown);
        return {
          route: `${controller.name}.${key} ${String(Reflect.getMetadata(PATH_METADATA, controller))}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`,
          isPublic: meta(PUBLIC_ROUTE) !== undefined,
          permission: meta(ROUTE_PERMISSION) as RoutePermission | undefined,
        };
      });
  });
}

// PermissionGuard refuses a route that declares nothing with a 500; this finds one before a user does.
describe('route permissions', () => {
  const scheduler = routesOf(SchedulerModule.forRoot({} as SchedulerContext).controllers as Controller[]);
  const notifier = routesOf(
    NotifierModule.forRuntime({} as NotifierRuntime, {} as never, {} as never).controllers as Controller[],
  );

  it.each([...scheduler, ...notifier].map((r) => [r.route, r] as const))(
    '%s is public or declares how it is authorized',
    (_route, r) => {
      expect(r.isPublic || r.permission !== undefined).toBe(true);
    },
  );

  it('finds the routes (the scan itself works)', () => {
    expect(scheduler.length).toBeGreaterThan(40);
    expect(scheduler.find((r) => r.route.startsWith('ApplicationsController.sync'))?.permission).toEqual({
      kind: 'rbac',
      resource: 'applications',
      action: 'sync',
      object: { application: 'name' },
    });
    expect(scheduler.filter((r) => r.isPublic).map((r) => r.route.split(' ')[0])).toEqual(
      expect.arrayContaining([
        'WebhookController.receive',
        'SessionController.create',
        'OpenApiController.document',
      ]),
    );
  });
});
