import type { KubeObject } from '../api/resource-type';
import { fromFieldsV1, toFieldsV1, type FieldSet } from './field-set';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerFields {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/**
 * Manager identity as the API server builds it (managedfields.go BuildManagerIdentifier): Apply
 * entries by (manager, operation, subresource); Update entries also by apiVersion.
 */
export function managerId(
  m: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): string {
  const version = m.operation === 'Update' ? m.apiVersion : '';
  return JSON.stringify([m.manager, m.operation, version, m.subresource ?? '']);
}

export function decodeManagedFields(obj: KubeObject | undefined): Map<string, ManagerFields> {
  const out = new Map<string, ManagerFields>();
  // Only the sandbox writes managedFields (encodeManagedFields); the registry drops what a request sends.
  const entries = (obj?.metadata?.['managedFields'] ?? []) as ManagedFieldsEntry[];
  for (const e of entries) {
    const m: ManagerFields = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      ...(e.subresource ? { subresource: e.subresource } : {}),
      ...(e.time ? { time: e.time } : {}),
      set: fromFieldsV1(e.fieldsV1),
    };
    out.set(managerId(m), m);
  }
  return out;
}

export function encodeManagedFields(managers: Map<string, ManagerFields>): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    if (m.set.size === 0) continue;
    out.push({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(m.set),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    });
  }
  return out;
}

export function setsEqual(a: FieldSet | undefined, b: FieldSet | undefined): boolean {
  if (!a || !b) return a === b;
  return a.size === b.size && [...a].every((p) => b.has(p));
}

/**
 * The default field manager when a request names none: the User-Agent up to the first '/'
 * (apiserver handlers/create.go managerOrUserAgent), e.g. `kubectl`, `kubernetes-client-javascript`.
 */
export function defaultManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? 'unknown').split('/')[0] ?? 'unknown';
  return prefix.slice(0, 128) || 'unknown';
}
