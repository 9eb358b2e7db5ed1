import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argoNotificationHelpers } from './argo-notification.helpers';
import { compileTemplate } from './compile-template';
import { TemplateError } from './template.error';

/** Constructs, builtins and Sprig functions against outputs and error messages produced by Go (tools/go-oracle). */
interface GoldenCase {
  name: string;
  template: string;
  data: Record<string, unknown>;
  output: string;
  error?: string;
}

const golden = JSON.parse(
  readFileSync(join(process.cwd(), 'libs/gotemplate/testdata/go-semantics.golden.json'), 'utf8'),
) as GoldenCase[];

const helpers = argoNotificationHelpers({
  now: () => new Date('2024-03-01T12:00:00Z'),
  getCommitMetadata: (sha) => ({
    Message: `Fix "quoted" bug in ${sha}`,
    Author: 'Jane Doe <jane@example.com>',
    Date: '2024-02-29T08:30:00Z',
    Tags: ['v1.2.3'],
  }),
});

function render(c: GoldenCase): string {
  return compileTemplate(c.template, c.name).render({ ...c.data, ...helpers });
}

/**
 * Known, documented divergences (README): Go's `int` (literals) vs `int64` (data) are one JS number, reported as int64;
 * strings are UTF-16, so cutting a multi-byte rune (trunc/substr on bytes) yields U+FFFD instead of raw bytes;
 * the column of a nil-pointer error in a field chain is the chain's start.
 */
const knownDivergences = new Set(['printf-bad', 'chinese', 'nil-field']);

describe('Go text/template + Sprig semantics', () => {
  it.each(golden.filter((c) => !knownDivergences.has(c.name)).map((c) => [c.name, c] as const))(
    '%s',
    (_name, c) => {
      if (c.error === undefined) {
        expect(render(c)).toBe(c.output);
        return;
      }
      let thrown: unknown;
      try {
        render(c);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(TemplateError);
      // Go names Go types of function values (func() time.Time); ours are JS functions.
      const expected = c.error.replace('func() time.Time', 'func(...) interface {}');
      expect((thrown as TemplateError).message).toBe(expected);
    },
  );
});
