import type { ResourceAction } from '@berth/domain';
import { loadActionCustomizations, LuaActionRunner } from '@berth/infra';
import { Injectable } from '@nestjs/common';
import type { RequestActor } from '../http/request-actor';
import { SchedulerContext } from '../scheduler.context';
import { LiveResourcesService } from './live-resources.service';
import type { ResourceQuery } from './resource-requests.schema';

/** Argo CD's `ResourceActionsListResponse`. */
export interface ResourceActionsList {
  actions: ResourceAction[];
}

/**
 * Argo CD's resource actions (ListResourceActions, RunResourceAction): the built-in `restart`, `pause` and
 * `resume`, and the `actions/` of BERTH_RESOURCE_CUSTOMIZATIONS_DIR, run in the Lua sandbox of the health
 * checks on the live object of the app; the result is sent to the cluster as a merge patch and the run is
 * recorded (ResourceActionRun) with who asked and why.
 */
@Injectable()
export class ResourceActionsService {
  private runner: Promise<LuaActionRunner> | undefined;

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly resources: LiveResourcesService,
  ) {}

  async list(name: string, query: ResourceQuery): Promise<ResourceActionsList> {
    const { live } = await this.resources.locate(name, query, 'Resource actions request');
    return { actions: await (await this.runnerOnce()).discover(live) };
  }

  async run(
    name: string,
    query: ResourceQuery,
    action: string,
    who: RequestActor,
  ): Promise<Record<string, never>> {
    const found = await this.resources.locate(name, query, 'Resource action request');
    const { patch } = await (await this.runnerOnce()).run(found.live, action);
    const changed = Object.keys(patch).length > 0;
    if (changed) {
      await this.ctx.queues.assertAvailable();
      await this.resources.write(found, `run action ${action} on`, (cluster) =>
        cluster.mergePatch(found.ref, patch),
      );
    }
    await this.resources.recordChange(
      name,
      { type: 'RecordResourceAction', run: { resource: found.resource, action, changed } },
      who,
    );
    return {};
  }

  /** The scripts are read once, at the first request that needs them (as the workers read health checks at start). */
  private runnerOnce(): Promise<LuaActionRunner> {
    const dir = this.ctx.config.resourceCustomizationsDir;
    this.runner ??= (dir ? loadActionCustomizations(dir) : Promise.resolve([])).then(
      (scripts) => LuaActionRunner.create(scripts),
      (error: unknown) => {
        this.runner = undefined;
        throw error;
      },
    );
    return this.runner;
  }
}
