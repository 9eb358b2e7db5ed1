import { describe, expect, it } from '@jest/globals';
import { containerFate, parseImage, podFate } from './image-rules';

describe('documented image rules', () => {
  it.each([
    ['nginx:1.27', 'runs'],
    ['invalid.example/app:1.0', 'unpullable'],
    ['registry.invalid.example/team/app', 'unpullable'],
    ['ghcr.io/acme/app:doesnotexist', 'unpullable'],
    ['acme/app:crashloop', 'crashloop'],
    ['busybox:fail', 'fails'],
    ['localhost:5000/app:1', 'runs'],
  ])('%s -> %s', (image, fate) => {
    expect(containerFate({ image })).toBe(fate);
  });

  it('SANDBOX_CRASH=1 / SANDBOX_FAIL=1 in the container env force the failure', () => {
    expect(containerFate({ image: 'nginx', env: [{ name: 'SANDBOX_CRASH', value: '1' }] })).toBe('crashloop');
    expect(containerFate({ image: 'nginx', env: [{ name: 'SANDBOX_FAIL', value: '1' }] })).toBe('fails');
    expect(containerFate({ image: 'nginx', env: [{ name: 'SANDBOX_CRASH', value: '0' }] })).toBe('runs');
  });

  it('the worst container decides the pod', () => {
    expect(podFate([{ image: 'nginx' }, { image: 'a:crashloop' }, { image: 'invalid.example/x' }])).toBe(
      'unpullable',
    );
  });

  it.each([
    ['nginx', { host: 'docker.io', tag: 'latest' }],
    ['localhost:5000/app:1.2', { host: 'localhost', tag: '1.2' }],
    ['ghcr.io/a/b:v1@sha256:abc', { host: 'ghcr.io', tag: 'v1' }],
  ])('parses %s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });
});
