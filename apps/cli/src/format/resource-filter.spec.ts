import { describe, expect, it } from '@jest/globals';
import { parseResourceFilter } from './resource-filter';

describe('--resource', () => {
  it.each([
    ['apps:Deployment:guestbook-ui', { group: 'apps', kind: 'Deployment', name: 'guestbook-ui' }],
    [':Service:web/guestbook-ui', { group: '', kind: 'Service', namespace: 'web', name: 'guestbook-ui' }],
  ])('%s', (text, ref) => expect(parseResourceFilter(text)).toEqual(ref));

  it.each(['Deployment', 'apps:Deployment', 'apps::x', 'apps:Deployment:ns/'])('refuses %s', (text) =>
    expect(() => parseResourceFilter(text)).toThrow(/--resource/),
  );
});
