import type { PersistentVolumeClaim } from '../api/builtin-kinds';
import { nameOf, namespaceOf } from '../api/resource-type';
import { CONTROLLER_MANAGER, SIM_DELAYS, type ControllerContext } from './controller-context';

/** The PV binder with a dynamic provisioner: every PVC binds to a fresh `pvc-<uid>` volume. */
export function reconcileVolumeClaims(ctx: ControllerContext): void {
  const pvcType = ctx.type('v1', 'PersistentVolumeClaim');
  const now = ctx.nowMs();
  for (const pvc of ctx.pending('v1', 'PersistentVolumeClaim') as PersistentVolumeClaim[]) {
    if (pvc.metadata?.['deletionTimestamp'] || pvc.status?.phase === 'Bound') continue;
    const due = ctx.seen(pvc) + ctx.scaled(SIM_DELAYS.volumeBind);
    if (now < due) {
      ctx.wakeAt(due, pvc);
      continue;
    }
    const volumeName = `pvc-${pvc.metadata?.['uid']}`;
    if (pvc.spec?.volumeName !== volumeName) {
      try {
        ctx.registry.update(
          pvcType,
          namespaceOf(pvc),
          nameOf(pvc),
          {
            ...pvc,
            metadata: {
              ...pvc.metadata,
              annotations: {
                ...(pvc.metadata?.['annotations'] ?? {}),
                'pv.kubernetes.io/bind-completed': 'yes',
                'pv.kubernetes.io/bound-by-controller': 'yes',
                'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
              },
            },
            spec: { ...pvc.spec, volumeName },
          },
          { fieldManager: CONTROLLER_MANAGER },
        );
      } catch {
        // Transient: try again shortly.
        ctx.requeue(pvc);
      }
      continue;
    }
    ctx.writeStatus('v1', 'PersistentVolumeClaim', pvc, {
      phase: 'Bound',
      accessModes: pvc.spec?.accessModes,
      capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
    });
  }
}
