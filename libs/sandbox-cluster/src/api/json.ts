/**
 * A JSON object from the wire or the store. Kubernetes objects are open-ended (CRDs, unknown fields), so a
 * member is `unknown` until it is checked, or read through a kind's typed view (controllers/workload-kinds.ts).
 */
export type JsonObject = Record<string, unknown>;
