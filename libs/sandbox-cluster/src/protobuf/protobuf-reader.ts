/** A protobuf field as read off the wire: varints as bigint, length-delimited as bytes. */
export interface ProtoField {
  number: number;
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

/** Splits one protobuf message into its fields (wire types 0, 1, 2 and 5). */
export function readFields(buf: Buffer): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new ProtobufDecodeError('truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const number = key >>> 3;
    const wire = key & 7;
    if (wire === 0) fields.push({ number, varint: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new ProtobufDecodeError('truncated length-delimited field');
      fields.push({ number, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new ProtobufDecodeError(`unsupported wire type ${wire}`);
  }
  return fields;
}
