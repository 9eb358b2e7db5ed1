import { describe, expect, it } from '@jest/globals';
import { compileTemplate } from './compile-template';
import { TemplateError } from './template.error';

function budgetError(source: string, budget?: { maxSteps?: number; maxOutputChars?: number }): TemplateError {
  try {
    compileTemplate(source, 'bomb').render({}, { budget });
  } catch (e) {
    return e as TemplateError;
  }
  throw new Error('expected the render to go over budget');
}

describe('render budget', () => {
  it('stops nested range/until loops after the step budget, with a TEMPLATE_BUDGET error', () => {
    const started = Date.now();
    const err = budgetError('{{range until 100000}}{{range until 100000}}{{end}}{{end}}');
    expect(err).toBeInstanceOf(TemplateError);
    expect(err.code).toBe('TEMPLATE_BUDGET');
    expect(err.message).toMatch(/render budget exceeded: more than 1000000 steps/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a list function whose result would pass the budget before building it', () => {
    const started = Date.now();
    expect(budgetError('{{ len (until 1000000000) }}').message).toMatch(
      /at <until 1000000000>: render budget/,
    );
    expect(budgetError('{{ untilStep 0 1000000000 1 }}').code).toBe('TEMPLATE_BUDGET');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops output that grows past the output budget, and strings built by functions', () => {
    expect(budgetError('{{range until 1000}}{{ "x" }}{{end}}', { maxOutputChars: 500 }).message).toMatch(
      /output longer than 500 characters/,
    );
    expect(budgetError('{{ $s := repeat 100000000 "x" }}').message).toMatch(/function result longer/);
    // Doubling a string in a loop: each function result is charged, not only what is printed.
    expect(
      budgetError('{{ $s := "xx" }}{{ range until 64 }}{{ $s = print $s $s }}{{ end }}').message,
    ).toMatch(/function result longer than 1048576/);
  });

  it('stops a template that calls itself with an error, not a stack overflow', () => {
    const err = budgetError('{{define "a"}}{{template "a" .}}{{end}}{{template "a" .}}');
    expect(err).toBeInstanceOf(TemplateError);
    expect(err.message).toMatch(/exceeded maximum template depth \(256\)/);
  });

  it('leaves ordinary templates alone and can be raised by the caller', () => {
    const t = compileTemplate('{{range until 2000}}.{{end}}', 'dots');
    expect(() => t.render({}, { budget: { maxSteps: 1_000 } })).toThrow(/render budget exceeded/);
    expect(t.render({}, { budget: { maxSteps: 100_000 } })).toHaveLength(2000);
    expect(t.render({})).toHaveLength(2000);
  });
});
