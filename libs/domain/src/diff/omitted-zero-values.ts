/**
 * Fields of built-in kinds where `false` in Git says the same as leaving the field out: the API server
 * omits them at false (non-pointer `omitempty` bools in k8s.io/api), or false is what their absence means.
 * Fields whose absence means true (automountServiceAccountToken, enableServiceLinks,
 * allowPrivilegeEscalation, hostUsers) are deliberately missing: there `false` in Git is drift.
 */
const FALSE_MEANS_ABSENT = new Set([
  'readOnly',
  'stdin',
  'stdinOnce',
  'tty',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'paused',
  'privileged',
  'readOnlyRootFilesystem',
  'runAsNonRoot',
  'shareProcessNamespace',
  'setHostnameAsFQDN',
  'publishNotReadyAddresses',
  'optional',
  'immutable',
  'suspend',
  'unschedulable',
  'allowVolumeExpansion',
]);

/** Integer fields the API server omits at 0 (non-pointer `omitempty`) and does not default to anything else. */
const ZERO_MEANS_ABSENT = new Set(['minReadySeconds', 'hostPort', 'initialDelaySeconds']);

/** Whether `value` in Git, under `field`, equals the field being absent from the live object. */
export function zeroEqualsAbsent(value: unknown, field: string | number | undefined): boolean {
  if (typeof field !== 'string') return false;
  if (value === false) return FALSE_MEANS_ABSENT.has(field);
  if (value === 0) return ZERO_MEANS_ABSENT.has(field);
  return false;
}
