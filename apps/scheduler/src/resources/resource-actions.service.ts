import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AccountsConfigSource } from '@berth/auth';
import { DomainError, type ResourceAction } from '@berth/domain';
import {
  actionCustomizationsOfArgoCm,
  documentToJS,
  loadActionCustomizations,
  LuaActionRunner,
  parseAllDocumentsBounded,
  type LuaActionScripts,
} from '@berth/infra';
import { Injectable } from '@nestjs/common';
import type { RequestActor } from '../http/request-actor';
import { SchedulerContext } from '../scheduler.context';
import { LiveResourcesService } from './live-resources.service';
import { requireResource, type ResourceQuery } from './resource-requests.schema';

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
  private base: Promise<{ scripts: LuaActionScripts[]; runner: LuaActionRunner }> | undefined;
  private argoCm: { text: string; runner: LuaActionRunner } | undefined;

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
    const r = requireResource(query, 'Resource action request');
    await this.resources.authorize(who, name, [`action/${r.group}/${r.kind}/${action}`]);
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

  /**
   * The runner for this request: the directory's scripts are read once (as the workers read health checks at
   * start); the argocd-cm keys are read again when the file changed (Argo CD watches argocd-cm too).
   */
  private async runnerOnce(): Promise<LuaActionRunner> {
    const dir = this.ctx.config.resourceCustomizationsDir;
    this.base ??= (dir ? loadActionCustomizations(dir) : Promise.resolve([])).then(
      (scripts) => ({ scripts, runner: LuaActionRunner.create([scripts]) }),
      (error: unknown) => {
        this.base = undefined;
        throw error;
      },
    );
    const { scripts, runner } = await this.base;
    const file = AccountsConfigSource.fileOf(this.ctx.config.accountsConfigFile);
    const text = file && existsSync(file) ? await readFile(file, 'utf8') : '';
    if (text !== this.argoCm?.text)
      this.argoCm = { text, runner: runner.with([scripts, argoCmActions(text)]) };
    return this.argoCm.runner;
  }
}

/** The `resource.customizations.actions.*` keys of an argocd-cm ConfigMap (or its bare data map) text. */
function argoCmActions(text: string): LuaActionScripts[] {
  if (text.trim() === '') return [];
  const [doc] = parseAllDocumentsBounded(text);
  const value = doc && doc.errors.length === 0 ? documentToJS(doc) : undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new DomainError('Conflict', 'the argocd-cm config (BERTH_ACCOUNTS_CONFIG) cannot be read as a map');
  const map = value as Record<string, unknown>;
  const data = map['kind'] === 'ConfigMap' ? map['data'] : map;
  return data && typeof data === 'object'
    ? actionCustomizationsOfArgoCm(data as Record<string, unknown>)
    : [];
}
