import { describe, expect, it } from '@jest/globals';
import { boolean } from '@berth/domain/application/field-checks';
import { IssueCollector } from '@berth/domain/application/validation-issue';
import { parseRfc3339, queryPosition, requestObject, secretText, text } from './request-checks';

describe('parseRfc3339', () => {
  it.each([
    ['2026-11-24T00:00:00Z', '2026-11-24T00:00:00.000Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
    ['2026-11-24T01:00:00.123456+01:00', '2026-11-24T00:00:00.123Z'],
  ])('reads %s', (value, iso) => {
    expect(parseRfc3339(value)?.toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '-271821-04-20',
    '+275760-09-13',
    '0000-01-01',
    '2026-13-01',
    '2026-11-24T25:00:00Z',
  ])('refuses %s (not a time both JS and Postgres hold)', (value) => {
    expect(parseRfc3339(value)).toBeUndefined();
  });
});

describe('queryPosition', () => {
  it.each([
    ['1', 0],
    ['9223372036854775807', 0],
    ['9223372036854775808', 1],
    ['-1', 1],
    ['1e3', 1],
  ])('%s -> %i problems', (value, count) => {
    const issues = new IssueCollector();
    queryPosition(value, 'cursor', issues);
    expect(issues.errors).toHaveLength(count);
  });
});

describe('requestObject', () => {
  const check = requestObject({
    fields: { prune: boolean, name: text({ maxLength: 5 }), password: secretText(10) },
    required: { name: 'a name' },
  });
  const run = (value: unknown) => {
    const issues = new IssueCollector();
    check(value, '', issues);
    return issues.errors;
  };

  it('treats null as absent and checks each field', () => {
    expect(run({ name: 'a', prune: null })).toEqual([]);
    expect(run({ name: 'abcdef', prune: 'false' }).map((i) => i.path)).toEqual(['name', 'prune']);
  });

  it('refuses unknown fields, suggesting the closest, and own keys only (constructor is unknown)', () => {
    expect(run({ name: 'a', prun: true, constructor: 1 })).toEqual([
      { path: 'prun', message: 'unknown field', fix: 'did you mean "prune"?' },
      { path: 'constructor', message: 'unknown field', fix: 'the fields are prune, name, password' },
    ]);
  });

  it('never repeats a credential in a message', () => {
    const issues = run({ name: 'a', password: 'hunter2-but-longer' });
    expect(issues).toEqual([{ path: 'password', message: 'is 18 characters long; the limit is 10' }]);
    expect(JSON.stringify(run({ name: 'a', password: 12345 }))).not.toContain('12345');
  });

  it('names the missing required field', () => {
    expect(run({})).toEqual([{ path: 'name', message: 'required field is missing', fix: 'a name' }]);
  });
});
