import { describe, expect, it } from '@jest/globals';
import { duplicateJsonFields } from './duplicate-fields';

describe('duplicateJsonFields', () => {
  it('names each member repeated within one object, at any depth, in document order', () => {
    const text =
      '{"spec":{"paused":true,"paused":false,"x":"a\\"paused\\"","template":{"spec":{"containers":' +
      '[{"name":"a","imagePullPolicy":"Always","imagePullPolicy":"Never"},{"name":"b"}]}}},"kind":"D"}';
    expect(duplicateJsonFields(text)).toEqual([
      'duplicate field "paused"',
      'duplicate field "imagePullPolicy"',
    ]);
  });

  it('does not confuse the same name in sibling objects or array items', () => {
    expect(duplicateJsonFields('{"a":{"n":1},"b":{"n":2},"c":[{"n":1},{"n":2}]}')).toEqual([]);
  });
});
