import { describe, expect, it } from '@jest/globals';
import { chartDetailsOf } from './chart-details';

describe('chartDetailsOf', () => {
  it("reads description, home and maintainers as Argo CD's repo-server writes them", () => {
    expect(
      chartDetailsOf({
        apiVersion: 'v2',
        name: 'web',
        description: 'A web server',
        home: 'https://example.com/web',
        maintainers: [
          { name: 'Jane Doe', email: 'jane@example.com' },
          { name: 'Ops team' },
          { email: 'alone@example.com' },
        ],
      }),
    ).toEqual({
      description: 'A web server',
      home: 'https://example.com/web',
      maintainers: ['Jane Doe <jane@example.com>', 'Ops team', '<alone@example.com>'],
    });
  });

  it('leaves out what a chart does not say, or says in the wrong shape', () => {
    expect(chartDetailsOf({ name: 'web', description: 42, maintainers: 'me' })).toEqual({});
    expect(chartDetailsOf({ maintainers: [null, 'x', { name: '' }] })).toEqual({});
    expect(chartDetailsOf('not a chart')).toEqual({});
  });
});
