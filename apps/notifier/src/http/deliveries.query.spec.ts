import { describe, expect, it } from '@jest/globals';
import { DeliveryQueryError, MAX_PAGE_SIZE, parseDeliveryQuery } from './deliveries.query';

describe('parseDeliveryQuery', () => {
  it.each([
    { raw: {}, expected: { limit: 50 } },
    {
      raw: { application: 'guestbook', status: 'failed', limit: '10' },
      expected: { application: 'guestbook', status: 'failed', limit: 10 },
    },
    { raw: { application: '', status: '' }, expected: { limit: 50 } },
    { raw: { limit: String(MAX_PAGE_SIZE) }, expected: { limit: MAX_PAGE_SIZE } },
  ])('accepts $raw', ({ raw, expected }) => {
    expect(parseDeliveryQuery(raw)).toEqual(expected);
  });

  it.each([
    { raw: { status: 'delivered' }, parameter: 'status' },
    { raw: { limit: '0' }, parameter: 'limit' },
    { raw: { limit: String(MAX_PAGE_SIZE + 1) }, parameter: 'limit' },
    { raw: { limit: '2.5' }, parameter: 'limit' },
    { raw: { cursor: 'not-a-cursor' }, parameter: 'cursor' },
    {
      raw: { cursor: Buffer.from(JSON.stringify({ t: 'yesterday', id: 'x' })).toString('base64url') },
      parameter: 'cursor',
    },
    // Date.parse accepts these; Postgres does not (each was a 500).
    ...['-271821-04-20', '2026-02-30 10:00:00+00', 'Tue Mar 01 2022'].map((t) => ({
      raw: { cursor: Buffer.from(JSON.stringify({ t, id: 'x' })).toString('base64url') },
      parameter: 'cursor',
    })),
    { raw: { statsu: 'sent' }, parameter: 'statsu' },
    { raw: { status: ['sent', 'failed'] }, parameter: 'status' },
    { raw: { application: 'a\u0000b' }, parameter: 'application' },
  ])('rejects $raw naming $parameter', ({ raw, parameter }) => {
    let error: unknown;
    try {
      parseDeliveryQuery(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeliveryQueryError);
    expect((error as DeliveryQueryError).parameter).toBe(parameter);
    expect((error as DeliveryQueryError).code).toBe('INVALID_DELIVERY_QUERY');
  });
});
