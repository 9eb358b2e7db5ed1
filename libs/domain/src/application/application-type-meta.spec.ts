import { describe, expect, it } from '@jest/globals';
import { withApplicationTypeMeta } from './application-type-meta';

describe('withApplicationTypeMeta', () => {
  it.each([
    ['absent', {}],
    ['null', { apiVersion: null, kind: null }],
    ['empty', { apiVersion: '', kind: '' }],
  ])('fills in apiVersion and kind when %s', (_case, typeMeta) => {
    expect(withApplicationTypeMeta({ ...typeMeta, metadata: { name: 'a' } })).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'a' },
    });
  });

  it('fills in only the one that is missing, and keeps a wrong one for the validator', () => {
    expect(withApplicationTypeMeta({ kind: 'ConfigMap' })).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ConfigMap',
    });
    expect(withApplicationTypeMeta({ apiVersion: 'v1' })).toEqual({ apiVersion: 'v1', kind: 'Application' });
  });

  it('leaves a complete body and anything that is not an object as they are', () => {
    const body = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' };
    expect(withApplicationTypeMeta(body)).toBe(body);
    expect(withApplicationTypeMeta(['a'])).toEqual(['a']);
    expect(withApplicationTypeMeta('text')).toBe('text');
  });
});
