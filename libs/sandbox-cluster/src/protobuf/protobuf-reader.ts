/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/**
 * A protobuf field as read off the wire: varints as bigint (unsigned, 64 bits), length-delimited
 * and fixed-width values as their bytes.
 */
export interface ProtoField {
  number: number;
  wire: WireType;
  varint?: bigint;
  bytes?: Buffer;
}

export class ProtobufDecodeError extends Error {
  readonly code = 'PROTOBUF_DECODE';
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

/** A cursor over protobuf bytes: varints and length-delimited runs, refusing truncated input. */
export class ProtobufCursor {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new ProtobufDecodeError('truncated varint');
      if (shift > 63n) throw new ProtobufDecodeError('varint longer than 10 bytes');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
  }

  take(length: number, what: string): Buffer {
    if (this.pos + length > this.buf.length) throw new ProtobufDecodeError(`truncated ${what}`);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}

/** Splits one protobuf message into its fields (wire types 0, 1, 2 and 5), in wire order. */
export function readFields(buf: Buffer): ProtoField[] {
  const fields: ProtoField[] = [];
  const cursor = new ProtobufCursor(buf);
  while (!cursor.done) {
    const key = cursor.varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (number === 0) throw new ProtobufDecodeError('field number 0 is not valid');
    if (wire === WireType.varint) fields.push({ number, wire, varint: cursor.varint() });
    else if (wire === WireType.lengthDelimited) {
      const length = Number(cursor.varint());
      fields.push({ number, wire, bytes: cursor.take(length, 'length-delimited field') });
    } else if (wire === WireType.fixed64) fields.push({ number, wire, bytes: cursor.take(8, 'fixed64') });
    else if (wire === WireType.fixed32) fields.push({ number, wire, bytes: cursor.take(4, 'fixed32') });
    else throw new ProtobufDecodeError(`unsupported wire type ${wire} (field ${number})`);
  }
  return fields;
}

/** The varints of a packed repeated scalar field (proto3 default; proto2 with [packed=true]). */
export function readPackedVarints(buf: Buffer): bigint[] {
  const cursor = new ProtobufCursor(buf);
  const out: bigint[] = [];
  while (!cursor.done) out.push(cursor.varint());
  return out;
}
