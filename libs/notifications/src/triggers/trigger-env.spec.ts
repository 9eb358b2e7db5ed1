import { describe, expect, it } from '@jest/globals';
import { formatValue } from '@berth/golang';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileExpr } from '@berth/expr';
import { createTriggerEnv } from './trigger-env';

/**
 * Trigger expressions in Argo CD's environment (`time`, `strings`, the Application), against antonmedv/expr with
 * Argo CD's own namespaces (tools/expr-oracle): the value printed with %v, as Argo CD keys oncePer. Errors are
 * compared as "it fails"; expr's wording is its own.
 */
interface GoldenCase {
  name: string;
  expression: string;
  app: Record<string, unknown>;
  output: string;
  type?: string;
  error?: string;
}

const golden = JSON.parse(
  readFileSync(join(process.cwd(), 'libs/notifications/testdata/trigger-expr.golden.json'), 'utf8'),
) as GoldenCase[];

const NOW = Date.parse('2026-01-10T12:00:00Z');

function run(c: GoldenCase): unknown {
  return compileExpr(c.expression).evaluate(createTriggerEnv({ app: c.app, now: NOW }), { now: NOW });
}

describe("trigger expressions evaluate as in Argo CD's expr environment", () => {
  it.each(golden.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if (c.error !== undefined) {
      expect(() => run(c)).toThrow();
      return;
    }
    const value = run(c);
    expect(formatValue(value)).toBe(c.output);
    if (c.type === 'string' || c.type === 'bool')
      expect(typeof value).toBe(c.type === 'bool' ? 'boolean' : 'string');
  });
});
