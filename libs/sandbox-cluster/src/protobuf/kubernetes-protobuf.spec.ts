import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeKubernetesProtobuf } from './kubernetes-protobuf';
import { ProtobufDecodeError } from './protobuf-reader';

/** Bodies captured from kubectl v1.34 talking to a logging server (testdata/*.pb). */
const captured = (name: string) => readFileSync(resolve('libs/sandbox-cluster/testdata', name));

describe('protobuf bodies from kubectl typed commands', () => {
  it.each([
    ['kubectl-create-namespace.pb', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } }],
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

  it('returns undefined for a kind it cannot decode, and refuses a body without the envelope', () => {
    const deployment = Buffer.concat([
      Buffer.from([0x6b, 0x38, 0x73, 0x00]),
      Buffer.from([0x0a, 0x15, 0x0a, 0x07]),
      Buffer.from('apps/v1'),
      Buffer.from([0x12, 0x0a]),
      Buffer.from('Deployment'),
    ]);
    expect(decodeKubernetesProtobuf(deployment)).toBeUndefined();
    expect(() => decodeKubernetesProtobuf(Buffer.from('{}'))).toThrow(ProtobufDecodeError);
  });
});
