import type { JsonObject } from '../api/json';
import type { ObjectMeta, OwnerReference } from '../api/resource-type';
import { readFields, ProtobufDecodeError, type ProtoField } from './protobuf-reader';

/** Field numbers from k8s.io/api and apimachinery generated.proto, for the kinds decoded here. */
type Decoder = (fields: ProtoField[]) => JsonObject;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const str = (f: ProtoField) => f.bytes?.toString('utf8') ?? '';

function stringMap(entries: ProtoField[], valueAsBase64 = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = readFields(e.bytes ?? Buffer.alloc(0));
    const key = kv.find((f) => f.number === 1);
    const value = kv.find((f) => f.number === 2);
    out[key ? str(key) : ''] = value
      ? valueAsBase64
        ? (value.bytes ?? Buffer.alloc(0)).toString('base64')
        : str(value)
      : '';
  }
  return out;
}

function objectMeta(fields: ProtoField[]): ObjectMeta {
  const meta: ObjectMeta = {};
  const all = (n: number) => fields.filter((f) => f.number === n);
  const one = (n: number) => fields.find((f) => f.number === n);
  const set = (key: string, n: number) => {
    const f = one(n);
    if (f && str(f) !== '') meta[key] = str(f);
  };
  set('name', 1);
  set('generateName', 2);
  set('namespace', 3);
  set('uid', 5);
  set('resourceVersion', 6);
  if (all(11).length) meta['labels'] = stringMap(all(11));
  if (all(12).length) meta['annotations'] = stringMap(all(12));
  if (all(13).length) {
    meta['ownerReferences'] = all(13).map((o) => {
      const r = readFields(o.bytes ?? Buffer.alloc(0));
      const get = (n: number) => r.find((x) => x.number === n);
      const ref: OwnerReference = {
        apiVersion: str(get(5) ?? { number: 5 }),
        kind: str(get(1) ?? { number: 1 }),
        name: str(get(3) ?? { number: 3 }),
        uid: str(get(4) ?? { number: 4 }),
      };
      if (get(6)) ref['controller'] = get(6)!.varint === 1n;
      if (get(7)) ref['blockOwnerDeletion'] = get(7)!.varint === 1n;
      return ref;
    });
  }
  if (all(14).length) meta['finalizers'] = all(14).map(str);
  return meta;
}

function withMeta(fields: ProtoField[]): JsonObject {
  const meta = fields.find((f) => f.number === 1);
  return { metadata: objectMeta(readFields(meta?.bytes ?? Buffer.alloc(0))) };
}

const decoders: Record<string, Decoder> = {
  'v1/Namespace': (fields) => {
    const obj = withMeta(fields);
    const spec = fields.find((f) => f.number === 2);
    const finalizers = readFields(spec?.bytes ?? Buffer.alloc(0))
      .filter((f) => f.number === 1)
      .map(str);
    if (finalizers.length) obj['spec'] = { finalizers };
    return obj;
  },
  'v1/ConfigMap': (fields) => {
    const obj = withMeta(fields);
    const data = fields.filter((f) => f.number === 2);
    const binary = fields.filter((f) => f.number === 3);
    const immutable = fields.find((f) => f.number === 4);
    if (data.length) obj['data'] = stringMap(data);
    if (binary.length) obj['binaryData'] = stringMap(binary, true);
    if (immutable) obj['immutable'] = immutable.varint === 1n;
    return obj;
  },
  'v1/Secret': (fields) => {
    const obj = withMeta(fields);
    const data = fields.filter((f) => f.number === 2);
    const type = fields.find((f) => f.number === 3);
    const stringData = fields.filter((f) => f.number === 4);
    const immutable = fields.find((f) => f.number === 5);
    if (data.length) obj['data'] = stringMap(data, true);
    if (type && str(type)) obj['type'] = str(type);
    if (stringData.length) obj['stringData'] = stringMap(stringData);
    if (immutable) obj['immutable'] = immutable.varint === 1n;
    return obj;
  },
  'v1/ServiceAccount': (fields) => withMeta(fields),
  // kubectl auth can-i / can-i --list / whoami
  'authorization.k8s.io/v1/SelfSubjectAccessReview': (fields) => {
    const obj = withMeta(fields);
    const spec = readFields(fields.find((f) => f.number === 2)?.bytes ?? Buffer.alloc(0));
    const resource = spec.find((f) => f.number === 1);
    const nonResource = spec.find((f) => f.number === 2);
    obj['spec'] = {
      ...(resource
        ? {
            resourceAttributes: strings(resource, [
              'namespace',
              'verb',
              'group',
              'version',
              'resource',
              'subresource',
              'name',
            ]),
          }
        : {}),
      ...(nonResource ? { nonResourceAttributes: strings(nonResource, ['path', 'verb']) } : {}),
    };
    return obj;
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': (fields) => {
    const obj = withMeta(fields);
    const spec = fields.find((f) => f.number === 2);
    obj['spec'] = spec ? strings(spec, ['namespace']) : {};
    return obj;
  },
  'authentication.k8s.io/v1/SelfSubjectReview': (fields) => withMeta(fields),
};

/** A message of string fields numbered 1..n, named in order; empty strings are omitted as in JSON. */
function strings(message: ProtoField, names: string[]): Record<string, string> {
  const fields = readFields(message.bytes ?? Buffer.alloc(0));
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    const f = fields.find((x) => x.number === i + 1);
    if (f && str(f) !== '') out[name] = str(f);
  });
  return out;
}

/**
 * Decodes the `application/vnd.kubernetes.protobuf` body kubectl's typed commands send
 * (`kubectl create namespace|configmap|secret|serviceaccount`) into the JSON object.
 * Kinds without a decoder return undefined (the caller answers 415).
 */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject | undefined {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw new ProtobufDecodeError('missing the k8s protobuf envelope prefix');
  const unknown = readFields(body.subarray(4));
  const typeMeta = readFields(unknown.find((f) => f.number === 1)?.bytes ?? Buffer.alloc(0));
  const apiVersion = str(typeMeta.find((f) => f.number === 1) ?? { number: 1 });
  const kind = str(typeMeta.find((f) => f.number === 2) ?? { number: 2 });
  const decoder = decoders[`${apiVersion}/${kind}`];
  if (!decoder) return undefined;
  const raw = unknown.find((f) => f.number === 2)?.bytes ?? Buffer.alloc(0);
  return { apiVersion, kind, ...decoder(readFields(raw)) };
}
