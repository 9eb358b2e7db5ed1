import type { JsonObject } from '../api/json';
import { kubernetesKinds, kubernetesMessages } from './kubernetes-messages';
import {
  ProtobufDecodeError,
  readFields,
  readPackedVarints,
  WireType,
  type ProtoField,
} from './protobuf-reader';

/** `k8s\0`: the prefix of every `application/vnd.kubernetes.protobuf` body (runtime/serializer/protobuf). */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const scalarTypes = ['string', 'bytes', 'bool', 'int32', 'int64', 'double'] as const;
const wellKnownTypes = ['Quantity', 'IntOrString', 'Time', 'MicroTime'] as const;

/** One field of the table (kubernetes-messages.ts), parsed from its `[modifiers] type name` text. */
export interface FieldSpec {
  name: string;
  type: string;
  /** For `map<string,VALUE>`: VALUE. */
  mapValue?: string;
  repeated: boolean;
  keepZero: boolean;
  inline: boolean;
  serverOwned: boolean;
}

/** A field the wire carries with a value but the table does not know: refused, never dropped. */
export class ProtobufUnsupportedFieldError extends ProtobufDecodeError {
  constructor(
    readonly kind: string,
    readonly messageType: string,
    readonly fieldNumber: number,
    readonly path: string,
  ) {
    super(
      `${kind}: the sandbox cannot decode field ${fieldNumber} of ${messageType} (at ${path || '.'}); ` +
        'send JSON instead (kubectl create ... --dry-run=client -o json | kubectl apply -f -)',
    );
  }
}

function parseField(message: string, decl: string): FieldSpec {
  const words = decl.trim().split(/\s+/);
  const name = words.pop();
  const type = words.pop();
  if (!name || !type) throw new Error(`protobuf table: ${message} has a malformed field "${decl}"`);
  const modifiers = new Set(words);
  for (const m of modifiers)
    if (!['repeated', 'ptr', 'inline'].includes(m))
      throw new Error(`protobuf table: ${message}.${name} has an unknown modifier "${m}"`);
  const map = /^map<string,(\w+)>$/.exec(type);
  const spec: FieldSpec = {
    name,
    type: map ? 'map' : type,
    repeated: modifiers.has('repeated'),
    keepZero: modifiers.has('ptr'),
    inline: modifiers.has('inline'),
    serverOwned: type === 'server-owned',
  };
  if (map) spec.mapValue = map[1]!;
  return spec;
}

/** Parses a message table (see kubernetes-messages.ts); a reference to an undefined type fails here, once. */
export function parseMessageTable(table: Record<string, Record<number, string>>): MessageTable {
  const isKnownType = (t: string) =>
    (scalarTypes as readonly string[]).includes(t) ||
    (wellKnownTypes as readonly string[]).includes(t) ||
    Object.hasOwn(table, t);
  return Object.fromEntries(
    Object.entries(table).map(([message, fields]) => {
      const parsed = new Map<number, FieldSpec>();
      for (const [number, decl] of Object.entries(fields)) {
        const spec = parseField(message, decl);
        const referenced = spec.mapValue ?? spec.type;
        if (!spec.serverOwned && !isKnownType(referenced))
          throw new Error(`protobuf table: ${message}.${spec.name} references unknown type ${referenced}`);
        parsed.set(Number(number), spec);
      }
      return [message, parsed];
    }),
  );
}

export type MessageTable = Record<string, Map<number, FieldSpec>>;

const kubernetesTable = parseMessageTable(kubernetesMessages);

/** What the decoder knows while walking one body: the kind (for errors) and the JSON path so far. */
export interface DecodeContext {
  table: MessageTable;
  kind: string;
  path: string;
}

const isMessageType = (t: string, table: MessageTable) =>
  Object.hasOwn(table, t) || (wellKnownTypes as readonly string[]).includes(t);

function expectWire(field: ProtoField, wire: WireType, where: string): void {
  if (field.wire !== wire)
    throw new ProtobufDecodeError(
      `${where}: field ${field.number} has wire type ${field.wire}, expected ${wire}`,
    );
}

/** The number a varint carries for a signed 32/64-bit protobuf type (negative int32s use 10 bytes). */
function signed(v: bigint, bits: 32 | 64): number {
  return Number(BigInt.asIntN(bits, v));
}

function decodeScalar(type: string, field: ProtoField, where: string): unknown {
  switch (type) {
    case 'string':
      expectWire(field, WireType.lengthDelimited, where);
      return field.bytes!.toString('utf8');
    case 'bytes':
      expectWire(field, WireType.lengthDelimited, where);
      return field.bytes!.toString('base64');
    case 'bool':
      expectWire(field, WireType.varint, where);
      return field.varint !== 0n;
    case 'int32':
      expectWire(field, WireType.varint, where);
      return signed(field.varint!, 32);
    case 'int64':
      expectWire(field, WireType.varint, where);
      return signed(field.varint!, 64);
    case 'double':
      expectWire(field, WireType.fixed64, where);
      return field.bytes!.readDoubleLE(0);
    default:
      throw new Error(`not a scalar type: ${type}`);
  }
}

/** The elements of a repeated scalar field occurrence: packed (one length-delimited run) or one value. */
function decodeRepeatedScalar(type: string, field: ProtoField, where: string): unknown[] {
  const packable = type === 'bool' || type === 'int32' || type === 'int64' || type === 'double';
  if (!packable || field.wire !== WireType.lengthDelimited) return [decodeScalar(type, field, where)];
  if (type === 'double') {
    const bytes = field.bytes!;
    if (bytes.length % 8 !== 0) throw new ProtobufDecodeError(`${where}: packed doubles of odd length`);
    return Array.from({ length: bytes.length / 8 }, (_, i) => bytes.readDoubleLE(i * 8));
  }
  return readPackedVarints(field.bytes!).map((v) =>
    decodeScalar(type, { number: field.number, wire: WireType.varint, varint: v }, where),
  );
}

const isZero = (v: unknown) => v === '' || v === 0 || v === false;

/** A Time/MicroTime as RFC 3339 (UTC), or undefined for Go's zero time (written for non-pointer fields). */
function decodeTime(bytes: Buffer, micro: boolean, ctx: DecodeContext): string | undefined {
  let seconds = 0;
  let nanos = 0;
  for (const f of readFields(bytes)) {
    if (f.number === 1) seconds = decodeScalar('int64', f, 'Time') as number;
    else if (f.number === 2) nanos = decodeScalar('int32', f, 'Time') as number;
    else if (!isEmptyOnWire(f)) throw new ProtobufUnsupportedFieldError(ctx.kind, 'Time', f.number, ctx.path);
  }
  // time.Time{} marshals as seconds -62135596800 (0001-01-01); nil as no field at all.
  if ((seconds === 0 && nanos === 0) || seconds === -62135596800) return undefined;
  // The range Timestamp allows (0001-01-01 .. 9999-12-31); anything else is not a time.
  if (seconds < -62135596800 || seconds > 253402300799 || nanos < 0 || nanos > 999999999)
    throw new ProtobufDecodeError(`${ctx.path || '.'}: a Time out of range (${seconds}s ${nanos}ns)`);
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

function decodeWellKnown(type: string, bytes: Buffer, ctx: DecodeContext): unknown {
  if (type === 'Time' || type === 'MicroTime') return decodeTime(bytes, type === 'MicroTime', ctx);
  const fields = readFields(bytes);
  const unknown = (f: ProtoField) => {
    if (!isEmptyOnWire(f)) throw new ProtobufUnsupportedFieldError(ctx.kind, type, f.number, ctx.path);
  };
  if (type === 'Quantity') {
    // message Quantity { optional string string = 1; }
    let value = '';
    for (const f of fields) {
      if (f.number === 1) value = decodeScalar('string', f, type) as string;
      else unknown(f);
    }
    return value;
  }
  // message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
  let kind = 0;
  let intVal = 0;
  let strVal = '';
  for (const f of fields) {
    if (f.number === 1) kind = decodeScalar('int64', f, type) as number;
    else if (f.number === 2) intVal = decodeScalar('int32', f, type) as number;
    else if (f.number === 3) strVal = decodeScalar('string', f, type) as string;
    else unknown(f);
  }
  return kind === 1 ? strVal : intVal;
}

/** A field that carries no value: a zero varint, zero fixed-width bytes, or an empty length-delimited run. */
function isEmptyOnWire(f: ProtoField): boolean {
  if (f.wire === WireType.varint) return f.varint === 0n;
  return f.bytes!.every((b) => b === 0) && (f.wire !== WireType.lengthDelimited || f.bytes!.length === 0);
}

function decodeValue(type: string, field: ProtoField, ctx: DecodeContext, where: string): unknown {
  if ((scalarTypes as readonly string[]).includes(type)) return decodeScalar(type, field, where);
  expectWire(field, WireType.lengthDelimited, where);
  if ((wellKnownTypes as readonly string[]).includes(type)) return decodeWellKnown(type, field.bytes!, ctx);
  return decodeMessage(type, field.bytes!, ctx);
}

function decodeMapEntry(
  spec: FieldSpec,
  field: ProtoField,
  ctx: DecodeContext,
  where: string,
): [string, unknown] {
  expectWire(field, WireType.lengthDelimited, where);
  const valueType = spec.mapValue!;
  let key = '';
  let value: unknown;
  for (const f of readFields(field.bytes!)) {
    if (f.number === 1) key = decodeScalar('string', f, `${where} key`) as string;
    else if (f.number === 2)
      value = decodeValue(valueType, f, { ...ctx, path: `${ctx.path}.${spec.name}` }, `${where} value`);
    else if (!isEmptyOnWire(f))
      throw new ProtobufUnsupportedFieldError(ctx.kind, `${where} entry`, f.number, ctx.path);
  }
  // A map entry without its value field holds the value type's zero value.
  if (value === undefined)
    value = valueType === 'string' || valueType === 'bytes' || valueType === 'Quantity' ? '' : {};
  return [key, value];
}

/** Decodes one message of the table into its JSON object, field by field. */
export function decodeMessage(message: string, bytes: Buffer, ctx: DecodeContext): JsonObject {
  const specs = Object.hasOwn(ctx.table, message) ? ctx.table[message] : undefined;
  if (!specs) throw new Error(`protobuf table: no message ${message}`);
  const out: JsonObject = {};
  for (const field of readFields(bytes)) {
    const spec = specs.get(field.number);
    if (!spec) {
      // Go writes every non-pointer field, so a zero value here is a field this sandbox may not
      // know yet that holds nothing; anything else is refused rather than lost.
      if (isEmptyOnWire(field)) continue;
      throw new ProtobufUnsupportedFieldError(ctx.kind, message, field.number, ctx.path);
    }
    if (spec.serverOwned) continue;
    const where = `${message}.${spec.name}`;
    const childCtx = { ...ctx, path: `${ctx.path}.${spec.name}` };
    if (spec.type === 'map') {
      const [key, value] = decodeMapEntry(spec, field, ctx, where);
      const map = (out[spec.name] ??= {}) as JsonObject;
      // An own property even for a hostile key such as `__proto__`, as JSON.parse makes it.
      Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    } else if (spec.repeated) {
      const list = (out[spec.name] ??= []) as unknown[];
      if (isMessageType(spec.type, ctx.table)) list.push(decodeValue(spec.type, field, childCtx, where));
      else list.push(...decodeRepeatedScalar(spec.type, field, where));
    } else if (spec.inline) {
      Object.assign(out, decodeValue(spec.type, field, ctx, where) as JsonObject);
    } else {
      const value = decodeValue(spec.type, field, childCtx, where);
      if (value === undefined || (!spec.keepZero && isZero(value))) delete out[spec.name];
      else out[spec.name] = value;
    }
  }
  return out;
}

/** The runtime.Unknown envelope: TypeMeta (apiVersion 1, kind 2) in field 1, the object's bytes in field 2. */
function readEnvelope(body: Buffer): { apiVersion: string; kind: string; raw: Buffer } {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw new ProtobufDecodeError('missing the k8s protobuf envelope prefix');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of readFields(body.subarray(4))) {
    if (f.number === 1) {
      expectWire(f, WireType.lengthDelimited, 'Unknown.typeMeta');
      for (const t of readFields(f.bytes!)) {
        if (t.number === 1) apiVersion = decodeScalar('string', t, 'TypeMeta.apiVersion') as string;
        if (t.number === 2) kind = decodeScalar('string', t, 'TypeMeta.kind') as string;
      }
    } else if (f.number === 2) {
      expectWire(f, WireType.lengthDelimited, 'Unknown.raw');
      raw = f.bytes!;
    } else if (f.number === 3 || f.number === 4) {
      // contentEncoding / contentType: kubectl leaves both empty (raw is the protobuf object itself).
      if (!isEmptyOnWire(f))
        throw new ProtobufDecodeError('a content-encoded protobuf body is not supported by the sandbox');
    }
  }
  return { apiVersion, kind, raw };
}

/**
 * Decodes the `application/vnd.kubernetes.protobuf` body kubectl's typed commands send into the JSON
 * object, using the message table (kubernetes-messages.ts). Returns undefined for a kind the table does
 * not cover (the caller answers 415); throws ProtobufUnsupportedFieldError for a field it cannot decode
 * and ProtobufDecodeError for malformed bytes (the caller answers 400).
 */
export function decodeKubernetesProtobuf(body: Buffer): JsonObject | undefined {
  const { apiVersion, kind, raw } = readEnvelope(body);
  const key = `${apiVersion}/${kind}`;
  if (!Object.hasOwn(kubernetesKinds, key)) return undefined;
  const message = kubernetesKinds[key]!;
  return { apiVersion, kind, ...decodeMessage(message, raw, { table: kubernetesTable, kind, path: '' }) };
}
