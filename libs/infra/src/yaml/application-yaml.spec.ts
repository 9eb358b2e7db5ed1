import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatYamlSyntaxIssue,
  parseApplicationDocument,
  pathKeys,
  YamlSyntaxError,
} from './application-yaml';

const testdata = (file: string) =>
  readFileSync(join(process.cwd(), 'libs/infra/src/yaml/testdata', file), 'utf8');

describe('parseApplicationDocument', () => {
  it('reads every document of a multi-document file (helm template output) with its start line', () => {
    const result = parseApplicationDocument(testdata('app-of-apps-children.yaml'));
    if (!result.ok) throw new Error(result.errors.map(formatYamlSyntaxIssue).join('\n'));
    expect(
      result.documents.map((d) => [
        d.index,
        d.line,
        (d.value as { metadata: { name: string } }).metadata.name,
      ]),
    ).toEqual([
      [0, 4, 'api-gateway-production'],
      [1, 23, 'order-service-production'],
      [2, 42, 'payment-service-production'],
      [3, 61, 'user-service-production'],
    ]);
  });

  it('reads scalars as Kubernetes does (go-yaml): `path: .` is a string, numbers and YAML 1.1 booleans stay', () => {
    const result = parseApplicationDocument(
      'path: .\nunderscore: ._\nhalf: .5\none: 1.\nexp: 1e3\nnan: .nan\nenabled: yes\noctal: 010\n',
    );
    if (!result.ok) throw new Error(result.errors.map(formatYamlSyntaxIssue).join('\n'));
    expect(result.documents[0]?.value).toEqual({
      path: '.',
      underscore: '._',
      half: 0.5,
      one: 1,
      exp: 1000,
      nan: NaN,
      enabled: true,
      octal: 8,
    });
  });

  it('names the line and column of a syntax error', () => {
    const result = parseApplicationDocument(testdata('broken-application.yaml'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(formatYamlSyntaxIssue)).toEqual([
      'line 9, column 3: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(result.errors[0]).toMatchObject({ document: 0, line: 9, column: 3, code: 'BAD_INDENT' });
  });

  it('names the document and line of an error in a later document', () => {
    const result = parseApplicationDocument(
      'kind: Application\n---\nkind: Application\nmetadata:\n  name: a\n  name: b\n',
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { document: 1, line: 6, column: 3, code: 'DUPLICATE_KEY', message: 'Map keys must be unique' },
      ],
    });
  });

  it('reads scalars as kubectl does (YAML 1.1): yes/no are booleans, quoted stays a string', () => {
    const result = parseApplicationDocument('prune: yes\nselfHeal: off\nname: "yes"\n');
    expect(result.ok && result.documents[0]?.value).toEqual({ prune: true, selfHeal: false, name: 'yes' });
  });

  it('gives no documents for empty text', () => {
    expect(parseApplicationDocument('')).toEqual({ ok: true, documents: [] });
    expect(parseApplicationDocument('# only a comment\n')).toEqual({ ok: true, documents: [] });
    const result = parseApplicationDocument('---\n# nothing here\n---\nkind: Application\n');
    expect(result.ok && result.documents.map((d) => [d.index, d.line])).toEqual([[1, 4]]);
  });

  it('finds the line of a field named like a validation issue, or of its nearest parent', () => {
    const result = parseApplicationDocument(testdata('app-of-apps-children.yaml'));
    if (!result.ok) throw new Error('expected valid YAML');
    const second = result.documents[1]!;
    expect(second.lineOf('spec.syncPolicy.syncOptions[0]')).toBe(39);
    expect(second.lineOf('spec.source.repoURL')).toBe(31);
    expect(second.lineOf('spec.source.chart')).toBe(31);
    expect(second.lineOf('')).toBe(23);
  });

  it('YamlSyntaxError carries a code and the formatted issues', () => {
    const result = parseApplicationDocument('a: [1\n');
    if (result.ok) throw new Error('expected a syntax error');
    const error = new YamlSyntaxError(result.errors);
    expect(error.code).toBe('YAML_SYNTAX');
    expect(error.message).toMatch(/^YAML is not valid:\n {2}line 2, column 1: /);
  });
});

describe('pathKeys', () => {
  it.each([
    ['spec.sources[1].helm.valueFiles[0]', ['spec', 'sources', 1, 'helm', 'valueFiles', 0]],
    ['metadata.name', ['metadata', 'name']],
    ['', []],
  ])('%s', (path, keys) => {
    expect(pathKeys(path)).toEqual(keys);
  });
});
