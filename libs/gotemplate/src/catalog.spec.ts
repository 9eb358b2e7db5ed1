import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTemplate } from './compile-template';

/** Every Argo CD catalog template field, rendered for four sample Applications, against Go's output (tools/go-oracle). */
interface GoldenCase {
  name: string;
  template: string;
  data: Record<string, unknown>;
  output: string;
  error?: string;
}

const golden = JSON.parse(
  readFileSync(join(process.cwd(), 'libs/gotemplate/testdata/catalog.golden.json'), 'utf8'),
) as GoldenCase[];

describe('Argo CD notifications catalog renders as Go renders it', () => {
  it.each(golden.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const template = compileTemplate(c.template, c.name);
    expect(template.render(c.data)).toBe(c.output);
  });

  it('the seed app-sync-status template renders ✅ for a succeeded sync', () => {
    const c = golden.find((g) => g.name === 'seed-app-sync-status/message/single-source-succeeded/slack');
    expect(c?.output).toContain('✅ 应用 guestbook 同步成功');
    expect(compileTemplate(c!.template).render(c!.data)).toBe(c!.output);
  });
});
