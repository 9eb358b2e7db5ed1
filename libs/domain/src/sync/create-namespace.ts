/**
 * The reason on the task CreateNamespace=true adds, recorded as its ResourceSynced message: such a
 * namespace was never declared in Git, so it never enters the prune inventory.
 */
export const CREATE_NAMESPACE_REASON = 'CreateNamespace=true';
