import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  decodeKubernetesProtobuf,
  decodeMessage,
  parseMessageTable,
  ProtobufUnsupportedFieldError,
} from './kubernetes-protobuf';
import { ProtobufDecodeError } from './protobuf-reader';

/** Bodies captured from kubectl v1.34 talking to a logging server (testdata/*.pb). */
const captured = (name: string) => readFileSync(resolve('libs/sandbox-cluster/testdata', name));

// A minimal protobuf writer, so each case below spells out the bytes it feeds the decoder.
const varint = (n: bigint | number): Buffer => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return Buffer.from(out);
};
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: bigint | number) => Buffer.concat([key(field, 0), varint(n)]);
const bytes = (field: number, b: Buffer | string) => {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
  return Buffer.concat([key(field, 2), varint(buf.length), buf]);
};
const msg = (field: number, ...parts: Buffer[]) => bytes(field, Buffer.concat(parts));
const fixed64 = (field: number, n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return Buffer.concat([key(field, 1), b]);
};
/** The `k8s\0` + runtime.Unknown envelope around an object's bytes. */
const envelope = (apiVersion: string, kind: string, ...object: Buffer[]) =>
  Buffer.concat([
    Buffer.from([0x6b, 0x38, 0x73, 0x00]),
    msg(1, bytes(1, apiVersion), bytes(2, kind)),
    msg(2, ...object),
  ]);
const meta = (name: string) => msg(1, bytes(1, name));

describe('protobuf bodies from kubectl typed commands', () => {
  it.each([
    [
      'kubectl-create-namespace.pb',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' }, spec: {} },
    ],
    [
      'kubectl-create-configmap.pb',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cfg', namespace: 'demo' },
        data: { a: 'b', c: 'd' },
      },
    ],
    [
      'kubectl-create-secret.pb',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'sec', namespace: 'demo' },
        data: { p: Buffer.from('q').toString('base64') },
      },
    ],
  ])('%s', (file, expected) => {
    expect(decodeKubernetesProtobuf(captured(file))).toEqual(expected);
  });

  it('returns undefined for a kind the table does not cover, and refuses a body without the envelope', () => {
    expect(decodeKubernetesProtobuf(envelope('apps/v1', 'StatefulSet', meta('s')))).toBeUndefined();
    expect(() => decodeKubernetesProtobuf(Buffer.from('{}'))).toThrow(ProtobufDecodeError);
  });
});

describe('schema-driven protobuf decoding', () => {
  const deployment = (...spec: Buffer[]) =>
    decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', meta('web'), msg(2, ...spec)));

  it('decodes nested messages, maps, repeated messages and IntOrString', () => {
    const container = Buffer.concat([
      bytes(1, 'nginx'),
      bytes(2, 'nginx:1.27'),
      bytes(3, 'sh'),
      bytes(3, '-c'),
      msg(6, int(3, 80), bytes(4, 'TCP')),
      msg(8, msg(1, bytes(1, 'cpu'), msg(2, bytes(1, '500m')))),
    ]);
    const template = Buffer.concat([
      msg(1, msg(11, bytes(1, 'app'), bytes(2, 'web'))),
      msg(2, msg(2, container), bytes(3, 'Always')),
    ]);
    const strategy = msg(
      4,
      bytes(1, 'RollingUpdate'),
      msg(2, msg(1, int(1, 1), bytes(3, '25%')), msg(2, int(2, 3))),
    );
    expect(
      deployment(int(1, 2), msg(2, msg(1, bytes(1, 'app'), bytes(2, 'web'))), msg(3, template), strategy),
    ).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.27',
                command: ['sh', '-c'],
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                resources: { limits: { cpu: '500m' } },
              },
            ],
            restartPolicy: 'Always',
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 3 } },
      },
    });
  });

  it('keeps the zero of a pointer field and drops the zero of a plain one (Go omitempty)', () => {
    expect(deployment(int(1, 0), int(5, 0), int(7, 0))).toMatchObject({ spec: { replicas: 0 } });
    expect(deployment(int(1, 0), int(5, 0), int(7, 0))?.['spec']).toEqual({ replicas: 0 });
  });

  it('reads a negative int32 (a 10-byte varint) and a negative int64', () => {
    const priority = decodeKubernetesProtobuf(
      envelope('scheduling.k8s.io/v1', 'PriorityClass', meta('low'), int(2, -5)),
    );
    expect(priority).toMatchObject({ value: -5 });
    expect(varint(-5)).toHaveLength(10);
    const job = decodeKubernetesProtobuf(envelope('batch/v1', 'Job', meta('j'), msg(2, int(3, -1n))));
    expect(job).toMatchObject({ spec: { activeDeadlineSeconds: -1 } });
  });

  it('accepts repeated strings one per occurrence, in order', () => {
    const role = decodeKubernetesProtobuf(
      envelope(
        'rbac.authorization.k8s.io/v1',
        'Role',
        meta('r'),
        msg(2, bytes(1, 'get'), bytes(1, 'list'), bytes(3, 'pods')),
      ),
    );
    expect(role).toMatchObject({ rules: [{ verbs: ['get', 'list'], resources: ['pods'] }] });
  });

  it('decodes packed and unpacked repeated varints, doubles and negative int32s from any table', () => {
    const table = parseMessageTable({
      Sample: { 1: 'repeated int32 codes', 2: 'double ratio', 3: 'repeated bool flags', 4: 'int32 delta' },
    });
    const packed = bytes(1, Buffer.concat([varint(1), varint(-2), varint(300)]));
    const body = Buffer.concat([packed, int(1, 7), fixed64(2, 0.25), int(3, 1), int(4, -2147483648)]);
    expect(decodeMessage('Sample', body, { table, kind: 'Sample', path: '' })).toEqual({
      codes: [1, -2, 300, 7],
      ratio: 0.25,
      flags: [true],
      delta: -2147483648,
    });
  });

  it('decodes Time and MicroTime as RFC 3339 and the Go zero time as absent', () => {
    const table = parseMessageTable({ T: { 1: 'Time at', 2: 'MicroTime micro', 3: 'Time zero' } });
    const body = Buffer.concat([
      msg(1, int(1, 1700000000)),
      msg(2, int(1, 1700000000), int(2, 123456789)),
      msg(3, int(1, -62135596800n)),
    ]);
    expect(decodeMessage('T', body, { table, kind: 'T', path: '' })).toEqual({
      at: '2023-11-14T22:13:20Z',
      micro: '2023-11-14T22:13:20.123456Z',
    });
    expect(() => decodeMessage('T', msg(1, int(1, 253402300800)), { table, kind: 'T', path: '' })).toThrow(
      'a Time out of range',
    );
  });

  it('keeps a hostile map key as an own property, as JSON.parse does', () => {
    const cm = decodeKubernetesProtobuf(
      envelope('v1', 'ConfigMap', meta('c'), msg(2, bytes(1, '__proto__'), bytes(2, 'x'))),
    );
    const data = cm?.['data'] as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('refuses a table that references a message it does not define', () => {
    expect(() => parseMessageTable({ A: { 1: 'B b' } })).toThrow(
      'protobuf table: A.b references unknown type B',
    );
  });

  it('flattens an inline member (IngressRule.ingressRuleValue) into its parent', () => {
    const path = msg(
      1,
      bytes(1, '/bar'),
      bytes(3, 'Exact'),
      msg(2, msg(4, bytes(1, 'svc1'), msg(2, int(2, 80)))),
    );
    const rule = msg(3, bytes(1, 'foo.com'), msg(2, msg(1, path)));
    const ingress = decodeKubernetesProtobuf(
      envelope('networking.k8s.io/v1', 'Ingress', meta('i'), msg(2, rule)),
    );
    expect(ingress).toMatchObject({
      spec: {
        rules: [
          {
            host: 'foo.com',
            http: {
              paths: [
                {
                  path: '/bar',
                  pathType: 'Exact',
                  backend: { service: { name: 'svc1', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
  });

  it('reads past the status the server resets, and a zero field it does not know', () => {
    const status = msg(3, int(1, 7), int(2, 3));
    expect(
      decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', meta('d'), status, int(99, 0))),
    ).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
    });
  });

  it('refuses a field it does not know that carries a value, naming kind, message, field and path', () => {
    const volumes = msg(1, bytes(1, 'data'));
    const body = envelope('apps/v1', 'Deployment', meta('d'), msg(2, msg(3, msg(2, volumes))));
    expect(() => decodeKubernetesProtobuf(body)).toThrow(ProtobufUnsupportedFieldError);
    expect(() => decodeKubernetesProtobuf(body)).toThrow(
      'Deployment: the sandbox cannot decode field 1 of PodSpec (at .spec.template.spec); send JSON instead',
    );
  });

  it('refuses a known field on the wrong wire type and truncated bytes with a decode error', () => {
    const wrongWire = envelope('v1', 'ConfigMap', meta('c'), fixed64(4, 1));
    expect(() => decodeKubernetesProtobuf(wrongWire)).toThrow(
      'ConfigMap.immutable: field 4 has wire type 1, expected 0',
    );
    const truncated = envelope('v1', 'ConfigMap', meta('c')).subarray(0, 12);
    expect(() => decodeKubernetesProtobuf(truncated)).toThrow(ProtobufDecodeError);
  });

  it('decodes map<string,bytes> as base64 and a map entry without a value as the zero value', () => {
    const cm = decodeKubernetesProtobuf(
      envelope(
        'v1',
        'ConfigMap',
        meta('c'),
        msg(3, bytes(1, 'bin'), bytes(2, Buffer.from([0, 255]))),
        msg(2, bytes(1, 'empty')),
      ),
    );
    expect(cm).toMatchObject({ binaryData: { bin: 'AP8=' }, data: { empty: '' } });
  });
});
