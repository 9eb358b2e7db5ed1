import { describe, expect, it } from '@jest/globals';
import { LineCounter } from 'yaml';
import { parseApplicationDocument } from './application-yaml';
import { parseJsonBounded, JsonSyntaxError } from './bounded-json';
import { documentToJS, parseAllDocumentsBounded } from './bounded-yaml';
import { assertDepthWithin, DocumentLimitError } from './document-limits';

const nestedMaps = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const blockSeq = (levels: number) =>
  `${Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}-`).join('\n')} x\n`;

const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  '',
].join('\n');

function limitError(run: () => unknown): DocumentLimitError {
  try {
    run();
  } catch (error) {
    if (error instanceof DocumentLimitError) return error;
    throw error;
  }
  throw new Error('expected a DocumentLimitError');
}

describe('parseAllDocumentsBounded / parseApplicationDocument', () => {
  it.each([
    ['flow maps (JSON)', nestedMaps(101)],
    ['flow lists', `${'['.repeat(101)}${']'.repeat(101)}`],
    ['unclosed flow collections that abort V8 at ~600 levels', '[{'.repeat(600)],
    ['block lists', blockSeq(101)],
    ['compact block lists on one line', `${'- '.repeat(101)}x`],
  ])('refuses %s nested past maxDepth, with the position', (_name, text) => {
    const error = limitError(() => parseApplicationDocument(text));
    expect(error).toMatchObject({ limit: 'maxDepth', max: 100 });
    expect(error.message).toMatch(
      /nested more than 100 levels deep \(line \d+, column \d+\); the limit is maxDepth=100/,
    );
  });

  it('accepts 100 levels, and a smaller limit when given one', () => {
    const result = parseApplicationDocument(nestedMaps(100));
    expect(result.ok).toBe(true);
    expect(
      limitError(() => parseApplicationDocument(nestedMaps(11), { maxDepth: 10, maxAliasCount: 5 })).limit,
    ).toBe('maxDepth');
  });

  it('refuses a billion-laughs document: aliases may not expand past maxAliasCount copies', () => {
    const error = limitError(() => parseApplicationDocument(BILLION_LAUGHS));
    expect(error.limit).toBe('maxAliasCount');
    expect(error.message).toMatch(/billion laughs/);
  });

  it('refuses more alias references than maxAliasCount before composing (each one costs a scan of the document)', () => {
    const text = `a: &a x\nb: [${Array.from({ length: 101 }, () => '*a').join(', ')}]\n`;
    const error = limitError(() => parseApplicationDocument(text));
    expect(error.message).toMatch(/more than 100 YAML alias references/);
  });

  it('does not count a scalar that starts with * (quoted or block) as an alias', () => {
    const text = `a: |\n${'  *not-an-alias\n'.repeat(150)}b: "*x"\n`;
    expect(parseApplicationDocument(text).ok).toBe(true);
  });

  it('reports an alias to an undefined anchor as a syntax issue, not a thrown ReferenceError', () => {
    expect(parseApplicationDocument('a: 1\nb: *missing\n')).toMatchObject({
      ok: false,
      errors: [{ document: 0, line: 1, code: 'BAD_ALIAS' }],
    });
  });

  it('checks depth after alias expansion: an anchor nested below its own depth', () => {
    const doc = parseAllDocumentsBounded(
      `a: &a ${nestedMaps(60)}\nb: ${'['.repeat(50)}*a${']'.repeat(50)}\n`,
      {
        lineCounter: new LineCounter(),
      },
    )[0]!;
    expect(limitError(() => documentToJS(doc)).limit).toBe('maxDepth');
  });
});

describe('parseJsonBounded', () => {
  it('parses JSON within the limits', () => {
    expect(parseJsonBounded('{"prune": true, "s": "[[[{{{"}')).toEqual({ prune: true, s: '[[[{{{' });
  });

  it('refuses nesting past maxDepth before JSON.parse runs, ignoring brackets inside strings', () => {
    expect(limitError(() => parseJsonBounded(nestedMaps(101))).limit).toBe('maxDepth');
    expect(parseJsonBounded(`{"s": "${'['.repeat(500)}\\"${'{'.repeat(500)}"}`)).toHaveProperty('s');
  });

  it('reports a syntax error by position only, never echoing the text', () => {
    let error: unknown;
    try {
      parseJsonBounded('{"password": hunter2}');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('assertDepthWithin', () => {
  it('walks iteratively: 100,000 levels are refused without a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(limitError(() => assertDepthWithin(deep, 100)).limit).toBe('maxDepth');
  });
});
