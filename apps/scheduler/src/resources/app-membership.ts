import { groupOf, isTrackedBy } from '@berth/domain';
import { KubeApiError, type KubeCluster } from '@berth/kube';

/** How far up ownerReferences a resource is followed to the object the app deployed (Pod -> RS -> Deployment). */
const MAX_OWNER_DEPTH = 5;

/** An object named by reference (an Event's involvedObject, an ownerReference, a Pod). */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

/**
 * Whether an object belongs to an app: it is in the app's inventory (what it deployed and has not
 * pruned), tracked by it, or owned (ownerReferences, a few levels up) by one that is. Answers are kept
 * per object for one request.
 */
export class AppMembership {
  private readonly known = new Map<string, Promise<boolean>>();

  /**
   * `inventory`: resource keys (`group/Kind/namespace/name`) the answer starts from. `tracked`: whether an
   * object carrying the app's tracking label or annotation belongs too (off when asking about one resource).
   */
  constructor(
    private readonly cluster: KubeCluster,
    private readonly app: string,
    private readonly inventory: ReadonlySet<string>,
    private readonly tracked = true,
  ) {}

  includes(ref: InvolvedObject, depth = 0): Promise<boolean> {
    const key = `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace}/${ref.name}`;
    if (this.inventory.has(key)) return Promise.resolve(true);
    if (!ref.apiVersion || !ref.kind || !ref.name || depth > MAX_OWNER_DEPTH) return Promise.resolve(false);
    let answer = this.known.get(key);
    if (!answer) {
      answer = this.viaLiveObject(ref, depth);
      this.known.set(key, answer);
    }
    return answer;
  }

  private async viaLiveObject(ref: InvolvedObject, depth: number): Promise<boolean> {
    let live;
    try {
      live = await this.cluster.get({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        name: ref.name,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
      });
    } catch (error) {
      // An owner tried as cluster-scoped (below) whose kind is namespaced: not this object's owner that way.
      if (error instanceof KubeApiError && error.code === 'Invalid') return false;
      throw error;
    }
    if (!live) return false;
    if (this.tracked && isTrackedBy(this.app, live)) return true;
    const owners =
      (live.metadata as { ownerReferences?: Array<Partial<InvolvedObject>> }).ownerReferences ?? [];
    for (const owner of owners) {
      const parent = {
        apiVersion: owner.apiVersion ?? '',
        kind: owner.kind ?? '',
        name: owner.name ?? '',
        namespace: ref.namespace,
      };
      if (await this.includes(parent, depth + 1)) return true;
      // A namespaced object may be owned by a cluster-scoped one.
      if (ref.namespace && (await this.includes({ ...parent, namespace: '' }, depth + 1))) return true;
    }
    return false;
  }
}
