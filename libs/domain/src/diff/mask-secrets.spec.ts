import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from './kube-object';
import { maskSecrets } from './mask-secrets';

const secret = (data: Record<string, string>, stringData?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop' },
  data,
  ...(stringData ? { stringData } : {}),
});

describe('maskSecrets', () => {
  it('gives equal values equal masks and different values different masks, per key', () => {
    const { desired, live } = maskSecrets(
      secret({ user: 'YQ==', password: 'Yg==' }),
      secret({ user: 'YQ==', password: 'Yw==' }),
    );
    expect(desired?.['data']).toEqual({ user: '++++++++', password: '++++++++' });
    expect(live?.['data']).toEqual({ user: '++++++++', password: '+++++++++' });
  });

  it('masks keys present on one side only, and stringData', () => {
    const { desired, live } = maskSecrets(
      secret({ added: 'eA==' }, { token: 'abc' }),
      secret({ removed: 'eQ==' }),
    );
    expect(JSON.stringify([desired, live])).not.toMatch(/eA==|eQ==|abc/);
    expect(desired?.['stringData']).toEqual({ token: '++++++++' });
    expect(live?.['data']).toEqual({ removed: '+++++++++' });
  });

  it('masks the last-applied annotation, which holds the Secret in clear text', () => {
    const live = secret({ a: 'cw==' });
    live.metadata.annotations = {
      'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"a":"cw=="}}',
    };
    expect(JSON.stringify(maskSecrets(undefined, live))).not.toContain('cw==');
  });

  it('leaves other kinds and the inputs untouched', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    const input = secret({ a: 'cw==' });
    expect(maskSecrets(cm, cm).desired).toEqual(cm);
    maskSecrets(input, input);
    expect(input['data']).toEqual({ a: 'cw==' });
  });
});
