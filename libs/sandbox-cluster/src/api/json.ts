/**
 * Arbitrary JSON from the wire. Kubernetes objects are open-ended (CRDs, unknown fields), and the
 * sandbox walks them generically, so it types them loosely in one named place.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON documents
export type AnyJson = any;
