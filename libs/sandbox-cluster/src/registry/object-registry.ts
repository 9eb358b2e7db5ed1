import { randomUUID } from 'node:crypto';
import { applyDefaults, defaultJobSelector } from '../admission/defaulting';
import { objectMetaDecodeError } from '../admission/object-decoding';
import { validateImmutableFields } from '../admission/immutable-fields';
import { validateName, validateObject } from '../admission/validation';
import type { ResourceRegistry } from '../api/resource-registry';
import type { CustomResourceDefinition, Namespace, Pod } from '../api/builtin-kinds';
import { hpaV1ToV2, hpaV2ToV1, isHpaV1, storageApiVersion } from '../api/hpa-v1-conversion';
import {
  groupVersion,
  nameOf,
  namespaceOf,
  type KubeObject,
  type ObjectMeta,
  type ResourceType,
} from '../api/resource-type';
import { ApiStatusError, statusErrors } from '../errors/api-status.error';
import {
  conflictsAllowedByLastApplied,
  CSA_UPGRADING_MANAGER,
  refreshLastApplied,
} from '../managed-fields/last-applied';
import type { SchemaContext } from '../managed-fields/list-topology';
import { recordUpdate, serverSideApply } from '../managed-fields/server-side-apply';
import { applyJsonMergePatch } from '../patch/json-merge-patch';
import { applyJsonPatch } from '../patch/json-patch';
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch';
import { matchesFields, parseFieldSelector } from '../store/field-selector';
import { matchesLabels, parseLabelSelector } from '../store/label-selector';
import type { ObjectStore } from '../store/object-store';
import { clone, formatTime, isPlainObject, jsonEqual, randomSuffix } from '../store/object-utils';
import { defaultCustomResource, validateCustomResource } from '../schema/custom-resource-schema';
import { duplicateJsonFields, parseYamlReportingDuplicates } from '../schema/duplicate-fields';
import {
  checkApplyConfiguration,
  enforceFieldValidation,
  type FieldValidation,
  patchStrictDecodingError,
  pruneRequestObject,
  strictDecodingError,
} from '../schema/field-validation';
import { IpAllocator } from './ip-allocator';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  subresource?: string;
  /**
   * What to do with fields the kind's schema does not declare (schema/field-validation.ts); they are dropped
   * whatever it says. Requests carry it (default Warn); the simulated controllers' own writes do not.
   */
  fieldValidation?: FieldValidation;
  /** `duplicate field "x"` for the members the request's JSON body named twice (server/api-server.ts). */
  duplicateFields?: string[];
}

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  orphanDependents?: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * A write that has been decided but not stored: patched or applied, defaulted, managedFields recorded,
 * waiting for the admission webhooks (server/api-server.ts) before commitPending stores it. Kubernetes
 * runs mutating admission at the same point: after the field manager, before validation and storage.
 */
export interface PendingWrite {
  type: ResourceType;
  operation: 'CREATE' | 'UPDATE';
  namespace: string;
  name: string;
  subresource?: string;
  /** The stored object the write started from; undefined when it creates. */
  live: KubeObject | undefined;
  /** What would be stored. */
  object: KubeObject;
  dryRun: boolean;
  /** The manager the write is recorded for. */
  fieldManager: string;
  /** `Warning` headers for the answer (unknown fields under fieldValidation=Warn). */
  warnings: string[];
}

/** The stored object changed while a pending write waited for admission: plan it again (409 if it keeps happening). */
export class StaleWriteError extends Error {
  constructor() {
    super('the object changed while its write was being admitted');
    this.name = 'StaleWriteError';
  }
}

const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);
const systemMetadata = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'managedFields',
  'selfLink',
];

/**
 * The API semantics on top of the object store: create/update/patch/apply/delete with system
 * metadata, defaulting, validation, managedFields, generation, no-op suppression, dryRun and the
 * namespace lifecycle admission. Both the HTTP layer and the controller simulator write through it.
 */
export class ObjectRegistry {
  private readonly ips = new IpAllocator();
  /** Pods terminate gracefully (a kubelet must finish the delete); on when the simulator runs. */
  gracefulPodDeletion = false;

  constructor(
    readonly store: ObjectStore,
    readonly types: ResourceRegistry,
    private readonly clock: () => number = Date.now,
  ) {}

  now(): string {
    return formatTime(this.clock());
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject {
    const obj = this.store.get(type, ns(type, namespace), name);
    if (!obj) throw statusErrors.notFound(type.plural, type.group, name);
    return this.present(type, obj);
  }

  find(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const obj = this.store.get(type, ns(type, namespace), name);
    return obj ? this.present(type, obj) : undefined;
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const labels = options.labelSelector ? parseLabelSelector(options.labelSelector) : [];
    const fields = options.fieldSelector ? parseFieldSelector(options.fieldSelector, type) : [];
    let start = '';
    let snapshot = this.store.resourceVersion;
    if (options.continue) {
      try {
        const token = JSON.parse(Buffer.from(options.continue, 'base64').toString('utf8')) as unknown;
        if (!isPlainObject(token)) throw new TypeError('not an object');
        start = String(token['start']);
        snapshot = Number(token['rv']);
      } catch {
        throw statusErrors.badRequest('continue key is not valid: illegal base64 data');
      }
    }
    const matching = this.store
      .list(type, type.namespaced ? namespace : undefined, true)
      .filter((o) => matchesLabels(labels, o.metadata?.['labels']) && matchesFields(fields, o, type))
      .filter((o) => !start || keyOf(o) > start);
    const limit = options.limit && options.limit > 0 ? options.limit : matching.length;
    const page = matching.slice(0, limit);
    const result: ListResult = {
      items: page.map((o) => this.present(type, o)),
      resourceVersion: String(snapshot),
    };
    if (matching.length > limit) {
      const last = page[page.length - 1]!;
      result.continue = Buffer.from(
        JSON.stringify({ v: 'meta.k8s.io/v1', rv: snapshot, start: keyOf(last) }),
      ).toString('base64');
      result.remainingItemCount = matching.length - limit;
    }
    return result;
  }

  create(
    type: ResourceType,
    namespace: string,
    body: unknown,
    options: WriteOptions = {},
    userAgent?: string,
  ): KubeObject {
    return this.commitPending(this.planCreate(type, namespace, body, options, userAgent));
  }

  planCreate(
    type: ResourceType,
    namespace: string,
    body: unknown,
    options: WriteOptions = {},
    userAgent?: string,
  ): PendingWrite {
    const served = this.decodeObject(type, body);
    const warnings = this.checkFields(type, served, options);
    // Checked against the served version's schema, then converted to the storage version.
    const obj = isHpaV1(type) ? hpaV1ToV2(served) : served;
    const meta = (obj.metadata = isPlainObject(obj.metadata) ? obj.metadata : {});
    this.checkNamespace(type, namespace, meta, 'create');
    if (!meta['name']) {
      if (!meta['generateName']) {
        throw statusErrors.invalid(type.kind, type.group, '', [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: name or generateName is required',
            field: 'metadata.name',
          },
        ]);
      }
      meta['name'] = `${String(meta['generateName']).slice(0, 58)}${randomSuffix()}`;
    }
    const name = String(meta['name']);
    const existing = this.store.get(type, ns(type, namespace), name);
    if (existing)
      throw statusErrors.alreadyExists(
        type.plural,
        type.group,
        name,
        !!existing.metadata?.['deletionTimestamp'],
      );
    this.admitNamespace(type, namespace, name);
    const manager = options.fieldManager ?? defaultManagerOf(userAgent);
    const prepared = this.prepare(type, undefined, obj, namespace, options);
    const owned = recordUpdate({
      ctx: ctxOf(type),
      live: undefined,
      updated: prepared,
      manager,
      apiVersion: groupVersion(type),
      now: this.now(),
      dropStatus: false,
    });
    return pending(type, undefined, owned, options, manager, warnings);
  }

  update(
    type: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    options: WriteOptions = {},
    userAgent?: string,
  ): { object: KubeObject; created: boolean } {
    return {
      object: this.commitPending(this.planUpdate(type, namespace, name, body, options, userAgent)),
      created: false,
    };
  }

  planUpdate(
    type: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    options: WriteOptions = {},
    userAgent?: string,
  ): PendingWrite {
    const served = this.decodeObject(type, body);
    const warnings = this.checkFields(type, served, options);
    // Checked against the served version's schema, then converted to the storage version.
    const obj = isHpaV1(type) ? hpaV1ToV2(served) : served;
    const live = this.store.get(type, ns(type, namespace), name);
    this.checkUrlName(obj, name);
    this.checkNamespace(type, namespace, obj.metadata ?? {}, 'update');
    if (!live) throw statusErrors.notFound(type.plural, type.group, name);
    const rv = obj.metadata?.['resourceVersion'];
    if (!rv && !type.allowUnconditionalUpdate) {
      throw statusErrors.invalid(type.kind, type.group, name, [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }
    if (rv && rv !== live.metadata?.['resourceVersion'])
      throw statusErrors.conflict(type.plural, type.group, name);
    const manager = options.fieldManager ?? defaultManagerOf(userAgent);
    const prepared = this.prepare(type, live, obj, namespace, options);
    const owned = recordUpdate({
      ctx: ctxOf(type),
      live,
      updated: prepared,
      manager,
      apiVersion: groupVersion(type),
      ...(options.subresource ? { subresource: options.subresource } : {}),
      now: this.now(),
      dropStatus: false,
    });
    return pending(type, live, owned, options, manager, warnings);
  }

  patch(
    type: ResourceType,
    namespace: string,
    name: string,
    contentType: string,
    rawBody: string,
    options: PatchOptions = {},
    userAgent?: string,
  ): { object: KubeObject; created: boolean } {
    const planned = this.planPatch(type, namespace, name, contentType, rawBody, options, userAgent);
    return { object: this.commitPending(planned), created: planned.live === undefined };
  }

  planPatch(
    type: ResourceType,
    namespace: string,
    name: string,
    contentType: string,
    rawBody: string,
    options: PatchOptions = {},
    userAgent?: string,
  ): PendingWrite {
    const accepted = type.builtin
      ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply, PATCH_TYPES.strategic]
      : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
    if (!(accepted as string[]).includes(contentType))
      throw statusErrors.unsupportedMediaType(contentType, accepted);
    if (contentType === PATCH_TYPES.apply) return this.apply(type, namespace, name, rawBody, options);
    if (options.force !== undefined) {
      throw new ApiStatusError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
        {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueForbidden',
              message: 'Forbidden: may not be specified for non-apply patch',
              field: 'force',
            },
          ],
        },
      );
    }
    const live = this.store.get(type, ns(type, namespace), name);
    if (!live) throw statusErrors.notFound(type.plural, type.group, name);
    let patch: unknown;
    try {
      patch = JSON.parse(rawBody);
    } catch (err) {
      throw statusErrors.badRequest(`error decoding patch: ${(err as Error).message}`);
    }
    const current = this.present(type, live);
    let patched: unknown;
    if (contentType === PATCH_TYPES.json)
      patched = applyJsonPatch(current, patch, type.kind, type.group, name);
    else if (contentType === PATCH_TYPES.merge) patched = applyJsonMergePatch(current, patch);
    else patched = applyStrategicMergePatch(ctxOf(type), current, patch);
    if (!isPlainObject(patched)) throw statusErrors.badRequest('the patch did not produce an object');
    // The patched object is decoded strictly (patch.go): a refusal names the patch, not the kind.
    const duplicates = contentType === PATCH_TYPES.json ? [] : duplicateJsonFields(rawBody);
    const warnings = enforceFieldValidation(
      options.fieldValidation,
      [...duplicates, ...pruneRequestObject(type, patched)],
      (problems) =>
        patchStrictDecodingError(
          contentType === PATCH_TYPES.strategic ? patch : patched,
          contentType === PATCH_TYPES.strategic,
          problems,
        ),
    );
    const patchedRv = (patched as KubeObject).metadata?.['resourceVersion'];
    if (patchedRv && patchedRv !== live.metadata?.['resourceVersion'])
      throw statusErrors.conflict(type.plural, type.group, name);
    const body = {
      ...(patched as KubeObject),
      metadata: { ...(patched as KubeObject).metadata, resourceVersion: live.metadata?.['resourceVersion'] },
    };
    const { fieldValidation: _checked, duplicateFields: _duplicates, ...rest } = options;
    const planned = this.planUpdate(type, namespace, name, body, rest, userAgent);
    return { ...planned, warnings: [...warnings, ...planned.warnings] };
  }

  /** Drops undeclared fields from a request's object and answers (Warn) or refuses (Strict) them. */
  private checkFields(type: ResourceType, obj: KubeObject, options: WriteOptions): string[] {
    if (options.fieldValidation === undefined) return [];
    const found = [...(options.duplicateFields ?? []), ...pruneRequestObject(type, obj)];
    return enforceFieldValidation(options.fieldValidation, found, (problems) =>
      statusErrors.badRequest(cannotDecode(type, strictDecodingError(problems))),
    );
  }

  private apply(
    type: ResourceType,
    namespace: string,
    name: string,
    rawBody: string,
    options: PatchOptions,
  ): PendingWrite {
    const manager = options.fieldManager;
    if (!manager) {
      throw new ApiStatusError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
      );
    }
    let config: unknown;
    let duplicates: string[];
    try {
      ({ value: config, duplicates } = parseYamlReportingDuplicates(rawBody));
    } catch (err) {
      throw statusErrors.badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
    if (!isPlainObject(config))
      throw statusErrors.badRequest('error decoding YAML: the apply patch must be an object');
    const cfg = config as KubeObject;
    if (cfg.apiVersion !== groupVersion(type)) {
      throw statusErrors.badRequest(
        `Incorrect version specified in apply patch. Specified patch version: ${cfg.apiVersion}, expected: ${groupVersion(type)}`,
      );
    }
    if (cfg.kind !== type.kind)
      throw statusErrors.badRequest(
        `Incorrect kind specified in apply patch. Specified patch kind: ${cfg.kind}, expected: ${type.kind}`,
      );
    const metaProblem = objectMetaDecodeError(cfg.metadata);
    if (metaProblem) throw statusErrors.badRequest(cannotDecode(type, metaProblem));
    checkApplyConfiguration(type, cfg, namespace, name);
    // After the typed patch, as handlers/patch.go checks it: repeated keys of the configuration.
    const warnings = enforceFieldValidation(options.fieldValidation, duplicates, (problems) =>
      statusErrors.badRequest(`error strict decoding YAML: ${problems.join(', ')}`),
    );
    const meta: ObjectMeta = cfg.metadata ?? {};
    if (meta['managedFields'] !== undefined)
      throw statusErrors.badRequest('metadata.managedFields must be nil');
    this.checkUrlName(cfg, name);
    this.checkNamespace(type, namespace, meta, 'update');
    const live = this.store.get(type, ns(type, namespace), name);
    if (!live) this.admitNamespace(type, namespace, name);
    const precondition = meta['resourceVersion'];
    if (precondition && live && precondition !== live.metadata?.['resourceVersion'])
      throw statusErrors.conflict(type.plural, type.group, name);
    const cleanMeta = Object.fromEntries(Object.entries(meta).filter(([k]) => !systemMetadata.includes(k)));
    const hasStatusEndpoint = type.subresources.includes('status') && options.subresource !== 'status';
    const cleanConfig: KubeObject = { ...cfg, metadata: { ...cleanMeta, name } };
    if (hasStatusEndpoint) delete cleanConfig['status'];
    const ctx = ctxOf(type);
    const upgradesCsa = manager === CSA_UPGRADING_MANAGER;
    // A kind served in a version other than its storage's is applied in the served version (conversion).
    const servedLive = live && isHpaV1(type) ? this.present(type, live) : live;
    const applied = serverSideApply({
      ctx,
      live: servedLive,
      config: cleanConfig,
      manager,
      apiVersion: groupVersion(type),
      force: options.force ?? false,
      now: this.now(),
      dropStatus: hasStatusEndpoint,
      finalize: (obj) => this.prepare(type, servedLive, obj, namespace, options),
      ...(upgradesCsa
        ? { allowedConflicts: conflictsAllowedByLastApplied(ctx, servedLive, groupVersion(type)) }
        : {}),
    });
    const refreshed = upgradesCsa ? refreshLastApplied(applied, cfg) : applied;
    const merged = isHpaV1(type) ? hpaV1ToV2(refreshed) : refreshed;
    return pending(type, live, merged, options, manager, warnings);
  }

  /**
   * Stores a planned write, with what admission made of it (`admitted`, default the planned object).
   * Admission may not change identity or system metadata, and managedFields stay as the field manager
   * recorded them before admission: Kubernetes attributes what a mutating webhook adds to no manager.
   * The webhook's additions are defaulted like the rest of the object, and counted in `generation`.
   */
  commitPending(write: PendingWrite, admitted?: KubeObject): KubeObject {
    const { type, live } = write;
    const stored = this.store.get(type, ns(type, write.namespace), write.name);
    if (stored?.metadata?.['resourceVersion'] !== live?.metadata?.['resourceVersion'])
      throw new StaleWriteError();
    const obj =
      admitted === undefined || admitted === write.object ? write.object : this.readmit(write, admitted);
    return this.commit(type, live, obj, write.dryRun);
  }

  private readmit(write: PendingWrite, admitted: KubeObject): KubeObject {
    const { type, live } = write;
    const planned = write.object;
    const obj: KubeObject = { ...clone(admitted), apiVersion: planned.apiVersion, kind: planned.kind };
    const meta: ObjectMeta = (obj.metadata = { ...(isPlainObject(obj.metadata) ? obj.metadata : {}) });
    for (const k of [...systemMetadata, 'name', 'namespace', 'generateName']) {
      if (planned.metadata?.[k] === undefined) delete meta[k];
      else meta[k] = clone(planned.metadata[k]);
    }
    if (type.subresources.includes('status') && write.subresource !== 'status') {
      if (planned['status'] === undefined) delete obj['status'];
      else obj['status'] = clone(planned['status']);
    }
    applyDefaults(obj);
    if (live && write.subresource !== 'status' && type.tracksGeneration) {
      const base = Number(live.metadata?.['generation'] ?? 0);
      meta['generation'] = generationChanged(type, live, obj) ? base + 1 : base;
    }
    return obj;
  }

  delete(
    type: ResourceType,
    namespace: string,
    name: string,
    options: DeleteOptions = {},
  ): { body: KubeObject; code: number } {
    const live = this.store.get(type, ns(type, namespace), name);
    if (!live) throw statusErrors.notFound(type.plural, type.group, name);
    const pre = options.preconditions;
    if (
      (pre?.uid && pre.uid !== live.metadata?.['uid']) ||
      (pre?.resourceVersion && pre.resourceVersion !== live.metadata?.['resourceVersion'])
    ) {
      throw statusErrors.conflict(type.plural, type.group, name);
    }
    const dryRun = options.dryRun ?? false;
    if (type.group === '' && type.kind === 'Namespace') return this.deleteNamespace(type, live, dryRun);
    const meta = live.metadata ?? {};
    let finalizers: string[] = [...(meta['finalizers'] ?? [])];
    const policy =
      options.propagationPolicy ??
      (options.orphanDependents === true ? 'Orphan' : undefined) ??
      (finalizers.includes('orphan')
        ? 'Orphan'
        : finalizers.includes('foregroundDeletion')
          ? 'Foreground'
          : 'Background');
    finalizers = finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
    if (policy === 'Foreground') finalizers.push('foregroundDeletion');
    if (policy === 'Orphan') finalizers.push('orphan');
    if (
      this.gracefulPodDeletion &&
      type.group === '' &&
      type.kind === 'Pod' &&
      options.gracePeriodSeconds !== 0
    ) {
      const graceful = this.markPodTerminating(type, live, finalizers, options.gracePeriodSeconds, dryRun);
      if (graceful) return graceful;
    }
    // A CRD goes once its custom resources are gone: those with finalizers keep it Terminating.
    const crdTerminating = isCrd(type) && !dryRun && this.deleteCustomResources(name) > 0;
    if (crdTerminating && !finalizers.includes(CRD_CLEANUP_FINALIZER)) finalizers.push(CRD_CLEANUP_FINALIZER);
    if (finalizers.length === 0) {
      if (dryRun) return { body: this.deletedBody(type, this.present(type, live)), code: 200 };
      const gone = this.store.remove(type, ns(type, namespace), name)!;
      this.afterDelete(type, gone);
      return { body: this.deletedBody(type, this.present(type, gone)), code: 200 };
    }
    const marked = clone(live);
    marked.metadata = { ...marked.metadata, finalizers };
    if (!meta['deletionTimestamp']) {
      marked.metadata['deletionTimestamp'] = this.now();
      marked.metadata['deletionGracePeriodSeconds'] = 0;
      if (type.tracksGeneration) marked.metadata['generation'] = Number(meta['generation'] ?? 0) + 1;
    }
    if (crdTerminating) markCrdTerminating(marked);
    const code = options.orphanDependents === false ? 202 : 200;
    if (dryRun || jsonEqual(marked, live)) return { body: this.present(type, marked), code };
    return { body: this.present(type, this.store.put(type, marked)), code };
  }

  /**
   * Graceful pod deletion (registry/core/pod strategy CheckGracefulDelete): the pod stays, with
   * deletionTimestamp = now + grace, until the kubelet confirms with a grace-0 delete. A repeated
   * delete may only shorten the grace period.
   */
  private markPodTerminating(
    type: ResourceType,
    live: KubeObject,
    finalizers: string[],
    requestedGrace: number | undefined,
    dryRun: boolean,
  ): { body: KubeObject; code: number } | undefined {
    const grace = requestedGrace ?? (live as Pod).spec?.terminationGracePeriodSeconds ?? 30;
    if (grace <= 0) return undefined;
    const current = live.metadata?.['deletionGracePeriodSeconds'];
    if (current !== undefined && current <= grace) return { body: this.present(type, live), code: 200 };
    const marked = clone(live);
    marked.metadata = {
      ...marked.metadata,
      deletionTimestamp: formatTime(this.clock() + grace * 1000),
      deletionGracePeriodSeconds: grace,
      ...(finalizers.length > 0 ? { finalizers } : {}),
    };
    if (dryRun) return { body: this.present(type, marked), code: 200 };
    return { body: this.present(type, this.store.put(type, marked)), code: 200 };
  }

  /** Removes a finalizer the way a controller does (update), deleting the object if it was the last. */
  removeFinalizer(type: ResourceType, obj: KubeObject, finalizer: string): void {
    const live = this.store.get(type, namespaceOf(obj), nameOf(obj));
    const finalizers = live?.metadata?.finalizers ?? [];
    if (!live || !finalizers.includes(finalizer)) return;
    const next = clone(live);
    next.metadata = { ...next.metadata, finalizers: finalizers.filter((f) => f !== finalizer) };
    this.commit(type, live, next, false);
  }

  /** A write through the status subresource (controllers' path), recorded for `fieldManager`. */
  writeStatus(
    type: ResourceType,
    obj: KubeObject,
    status: unknown,
    fieldManager: string,
  ): KubeObject | undefined {
    const live = this.store.get(type, namespaceOf(obj), nameOf(obj));
    if (!live) return undefined;
    const annotations = obj.metadata?.['annotations'] ?? live.metadata?.['annotations'];
    const body = {
      ...clone(live),
      status,
      metadata: { ...live.metadata, ...(annotations ? { annotations } : {}) },
    };
    return this.update(type, namespaceOf(live), nameOf(live), body, {
      subresource: 'status',
      fieldManager,
    }).object;
  }

  private deleteNamespace(
    type: ResourceType,
    live: KubeObject,
    dryRun: boolean,
  ): { body: KubeObject; code: number } {
    const name = String(live.metadata?.['name']);
    if (immortalNamespaces.has(name)) {
      throw statusErrors.forbidden('namespaces', '', name, 'this namespace may not be deleted');
    }
    if (live.metadata?.['deletionTimestamp']) return { body: this.present(type, live), code: 200 };
    const marked: Namespace = clone(live);
    marked.metadata = { ...marked.metadata, deletionTimestamp: this.now(), deletionGracePeriodSeconds: 0 };
    marked.status = { ...marked.status, phase: 'Terminating' };
    if (dryRun) return { body: this.present(type, marked), code: 200 };
    return { body: this.present(type, this.store.put(type, marked)), code: 200 };
  }

  private deletedBody(type: ResourceType, obj: KubeObject): KubeObject {
    if (type.returnsDeletedObject) return obj;
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name: obj.metadata?.['name'],
        group: type.group,
        kind: type.plural,
        uid: obj.metadata?.['uid'],
      },
    };
  }

  /** Deletes a CRD's custom resources (background); answers how many remain, held by their finalizers. */
  private deleteCustomResources(crdName: string): number {
    let remaining = 0;
    for (const crType of this.types.crdResourceTypes(crdName)) {
      for (const cr of this.store.list(crType)) {
        if (!cr.metadata?.['deletionTimestamp']) {
          this.delete(crType, namespaceOf(cr), nameOf(cr), { propagationPolicy: 'Background' });
        }
      }
      remaining += this.store.list(crType).length;
    }
    return remaining;
  }

  /** The last custom resource of a Terminating CRD is gone: the CRD's cleanup finalizer goes, then the CRD. */
  private finishCrdCleanup(crType: ResourceType): void {
    const crdType = this.types.byKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    const crdName = `${crType.plural}.${crType.group}`;
    const crd = crdType && this.store.get(crdType, '', crdName);
    const finalizers: string[] = crd?.metadata?.['finalizers'] ?? [];
    if (!crdType || !crd?.metadata?.['deletionTimestamp'] || !finalizers.includes(CRD_CLEANUP_FINALIZER))
      return;
    if (this.types.crdResourceTypes(crdName).some((t) => this.store.list(t).length > 0)) return;
    const rest = finalizers.filter((f) => f !== CRD_CLEANUP_FINALIZER);
    if (rest.length > 0) {
      this.store.put(crdType, { ...crd, metadata: { ...crd.metadata, finalizers: rest } });
      return;
    }
    const gone = this.store.remove(crdType, '', crdName)!;
    this.afterDelete(crdType, gone);
  }

  private afterDelete(type: ResourceType, gone: KubeObject): void {
    if (!type.builtin) this.finishCrdCleanup(type);
    if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition') {
      const name = String(gone.metadata?.['name']);
      for (const crType of this.types.crdResourceTypes(name)) {
        for (const cr of this.store.list(crType)) this.store.remove(crType, namespaceOf(cr), nameOf(cr));
      }
      this.types.setCrd(name, undefined);
    }
  }

  /**
   * System metadata, status reset and defaulting for the object about to be written. For the
   * status subresource only `.status` changes; on the main endpoint status is a reset field.
   * A dry run allocates nothing (a Service's ClusterIP and NodePorts stay free for the real write).
   */
  private prepare(
    type: ResourceType,
    live: KubeObject | undefined,
    incoming: KubeObject,
    namespace: string,
    options: WriteOptions,
  ): KubeObject {
    const subresource = options.subresource;
    let obj = clone(incoming);
    if (subresource === 'status' && live) {
      // Status strategies keep the live spec and labels; annotations come from the request, which is
      // how the Deployment controller records deployment.kubernetes.io/revision without a generation bump.
      const annotations = obj.metadata?.['annotations'] ?? live.metadata?.['annotations'];
      obj = { ...clone(live), status: obj['status'] };
      obj.metadata = { ...obj.metadata, ...(annotations ? { annotations } : {}) };
    } else if (subresource === 'status') {
      throw statusErrors.notFound(type.plural, type.group, String(obj.metadata?.['name']));
    }
    obj.apiVersion = storageApiVersion(type);
    obj.kind = type.kind;
    const meta: ObjectMeta = (obj.metadata = { ...obj.metadata });
    if (type.namespaced) meta['namespace'] = namespace;
    else delete meta['namespace'];
    if (live) {
      for (const k of [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
        'managedFields',
      ]) {
        if (live.metadata?.[k] === undefined) delete meta[k];
        else meta[k] = live.metadata[k];
      }
      meta['resourceVersion'] = live.metadata?.['resourceVersion'];
      if (subresource !== 'status' && type.subresources.includes('status')) {
        if (live['status'] === undefined) delete obj['status'];
        else obj['status'] = clone(live['status']);
      }
      if (live.metadata?.['deletionTimestamp']) {
        const before = new Set<string>(live.metadata?.['finalizers'] ?? []);
        const added = (meta['finalizers'] ?? []).filter((f: string) => !before.has(f));
        if (added.length > 0) {
          throw statusErrors.invalid(type.kind, type.group, String(meta['name']), [
            {
              reason: 'FieldValueForbidden',
              message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
              field: 'metadata.finalizers',
            },
          ]);
        }
      }
    } else {
      for (const k of [
        'resourceVersion',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'managedFields',
        'selfLink',
      ])
        delete meta[k];
      meta['uid'] = randomUUID();
      meta['creationTimestamp'] = this.now();
      if (type.tracksGeneration) meta['generation'] = 1;
      else delete meta['generation'];
      if (type.subresources.includes('status')) delete obj['status'];
      if (type.group === 'batch' && type.kind === 'Job') defaultJobSelector(obj);
    }
    if (isPlainObject(meta['labels']) && Object.keys(meta['labels']).length === 0) delete meta['labels'];
    if (isPlainObject(meta['annotations']) && Object.keys(meta['annotations']).length === 0)
      delete meta['annotations'];
    if (Array.isArray(meta['finalizers']) && meta['finalizers'].length === 0) delete meta['finalizers'];
    applyDefaults(obj);
    defaultCustomResource(type, obj);
    if (type.group === '' && type.kind === 'Service') this.ips.assign(obj, live, options.dryRun === true);
    if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition') establishCrd(obj);
    if (live && subresource !== 'status' && type.tracksGeneration && generationChanged(type, live, obj)) {
      meta['generation'] = Number(live.metadata?.['generation'] ?? 0) + 1;
    }
    return obj;
  }

  /** Validates, suppresses no-op writes, finishes deletion when the last finalizer goes, persists. */
  private commit(
    type: ResourceType,
    live: KubeObject | undefined,
    obj: KubeObject,
    dryRun: boolean,
  ): KubeObject {
    const name = String(obj.metadata?.['name'] ?? '');
    const causes = [
      ...(live ? validateImmutableFields(type, live, obj) : validateName(type, name)),
      ...validateObject(type, obj),
      ...validateCustomResource(type, obj),
    ];
    if (causes.length > 0) throw statusErrors.invalid(type.kind, type.group, name, causes);
    if (live && jsonEqual(withoutTimes(live), withoutTimes(obj))) return this.present(type, live);
    if (live?.metadata?.['deletionTimestamp'] && (obj.metadata?.['finalizers'] ?? []).length === 0) {
      if (dryRun) return this.present(type, obj);
      const gone = this.store.remove(type, obj.metadata?.['namespace'] ?? '', name)!;
      this.afterDelete(type, gone);
      return this.present(type, gone);
    }
    if (dryRun) {
      const preview = clone(obj);
      if (!live) delete preview.metadata!['resourceVersion'];
      return this.present(type, preview);
    }
    const stored = this.store.put(type, obj);
    if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition')
      this.types.setCrd(name, stored);
    return this.present(type, stored);
  }

  /** Namespace lifecycle admission: refuse creates in missing (404) or terminating (403) namespaces. */
  private admitNamespace(type: ResourceType, namespace: string, name: string): void {
    if (!type.namespaced) return;
    const nsType = this.types.byKind('v1', 'Namespace')!;
    const nsObj = this.store.get(nsType, '', namespace);
    if (!nsObj) throw statusErrors.notFound('namespaces', '', namespace);
    if (nsObj.metadata?.['deletionTimestamp']) {
      throw statusErrors.forbidden(
        type.plural,
        type.group,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  private checkNamespace(
    type: ResourceType,
    namespace: string,
    meta: ObjectMeta,
    verb: 'create' | 'update',
  ): void {
    if (!type.namespaced || !meta['namespace'] || meta['namespace'] === namespace) return;
    throw statusErrors.badRequest(
      verb === 'create'
        ? 'the namespace of the provided object does not match the namespace sent on the request'
        : `the namespace of the object (${meta['namespace']}) does not match the namespace on the request (${namespace})`,
    );
  }

  private checkUrlName(obj: KubeObject, name: string): void {
    const bodyName = obj.metadata?.['name'];
    if (bodyName && bodyName !== name) {
      throw statusErrors.badRequest(
        `the name of the object (${bodyName}) does not match the name on the URL (${name})`,
      );
    }
  }

  private decodeObject(type: ResourceType, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw statusErrors.badRequest('the request body must be a JSON object');
    const decoded = clone(body);
    const metaProblem = objectMetaDecodeError(decoded['metadata']);
    if (metaProblem) throw statusErrors.badRequest(cannotDecode(type, metaProblem));
    // Checked above: metadata is an ObjectMeta; apiVersion and kind are compared below.
    const obj = decoded as KubeObject;
    if (obj.apiVersion && obj.apiVersion !== groupVersion(type)) {
      throw statusErrors.badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${groupVersion(type)})`,
      );
    }
    if (obj.kind && obj.kind !== type.kind) {
      throw statusErrors.badRequest(
        `the kind in the data (${obj.kind}) does not match the expected kind (${type.kind})`,
      );
    }
    return obj;
  }

  /** The object as served at this endpoint's apiVersion. */
  present(type: ResourceType, obj: KubeObject): KubeObject {
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    const served = { apiVersion: groupVersion(type), kind: type.kind, ...rest };
    return isHpaV1(type) ? hpaV2ToV1(served) : served;
  }
}

/** The real server's answer to a body its JSON decoder refuses (a 400 before any admission). */
function cannotDecode(type: ResourceType, problem: string): string {
  return `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${problem}`;
}

function pending(
  type: ResourceType,
  live: KubeObject | undefined,
  object: KubeObject,
  options: WriteOptions,
  fieldManager: string,
  warnings: string[],
): PendingWrite {
  return {
    type,
    operation: live ? 'UPDATE' : 'CREATE',
    namespace: object.metadata?.['namespace'] ?? '',
    name: String(object.metadata?.['name'] ?? ''),
    ...(options.subresource ? { subresource: options.subresource } : {}),
    live,
    object,
    dryRun: options.dryRun ?? false,
    fieldManager,
    warnings,
  };
}

function ns(type: ResourceType, namespace: string): string {
  return type.namespaced ? namespace : '';
}

function keyOf(o: KubeObject): string {
  return `${o.metadata?.['namespace'] ?? ''}/${o.metadata?.['name']}`;
}

export function ctxOf(type: ResourceType): SchemaContext {
  return { builtin: type.builtin, kind: type.kind };
}

function defaultManagerOf(userAgent: string | undefined): string {
  return (userAgent ?? 'unknown').split('/')[0] || 'unknown';
}

/** managedFields timestamps are ignored when deciding whether a write is a no-op (store.go). */
function withoutTimes(obj: KubeObject): KubeObject {
  const copy = clone(obj);
  const mf = copy.metadata?.['managedFields'];
  if (Array.isArray(mf)) for (const e of mf) if (isPlainObject(e)) delete e['time'];
  return copy;
}

/**
 * Generation rules (registry strategies): built-ins bump on spec change, Deployments also on
 * annotation change; custom resources on any change outside metadata and status.
 */
function generationChanged(type: ResourceType, live: KubeObject, next: KubeObject): boolean {
  if (!type.builtin) {
    const strip = (o: KubeObject) =>
      Object.fromEntries(
        Object.entries(o).filter(
          ([k]) => k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind',
        ),
      );
    return !jsonEqual(strip(live), strip(next));
  }
  if (type.group === 'admissionregistration.k8s.io') return !jsonEqual(live['webhooks'], next['webhooks']);
  if (!jsonEqual(live['spec'], next['spec'])) return true;
  if (type.group === 'apps' && type.kind === 'Deployment')
    return !jsonEqual(live.metadata?.['annotations'], next.metadata?.['annotations']);
  return false;
}

/** The apiextensions controller accepts names at once: the CRD is Established on write. */
/** The finalizer the apiextensions server holds a deleted CRD with while its custom resources go. */
const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

function isCrd(type: ResourceType): boolean {
  return type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition';
}

/** The condition a deleted CRD shows while instances remain (apiextensions finalizer controller). */
function markCrdTerminating(crd: KubeObject): void {
  const status = isPlainObject(crd['status']) ? crd['status'] : {};
  const conditions = (
    Array.isArray(status['conditions']) ? (status['conditions'] as Array<{ type?: string }>) : []
  ).filter((c) => c.type !== 'Terminating');
  conditions.push({
    type: 'Terminating',
    status: 'True',
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    reason: 'InstanceDeletionInProgress',
    message: 'CustomResource deletion is in progress',
  } as { type: string });
  crd['status'] = { ...status, conditions };
}

function establishCrd(crd: CustomResourceDefinition): void {
  const spec = crd.spec ?? {};
  const names = { ...spec.names };
  names.singular = names.singular ?? String(names.kind ?? '').toLowerCase();
  names.listKind = names.listKind ?? `${names.kind}List`;
  const storage = (spec.versions ?? []).find((v) => v.storage) ?? spec.versions?.[0];
  const t = crd.metadata?.['creationTimestamp'];
  crd.status = {
    acceptedNames: names,
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: t,
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: t,
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    storedVersions: storage ? [storage.name] : [],
  };
}
