import { describe, expect, it } from '@jest/globals';
import { jsonnetImports, JsonnetSyntaxError } from './jsonnet-imports';

const paths = (text: string) => jsonnetImports(text).map((i) => `${i.kind} ${i.path}`);

describe('jsonnetImports', () => {
  it.each<[string, string, string[]]>([
    ['a plain import', `local p = import 'params.libsonnet'; p`, ['import params.libsonnet']],
    [
      'every kind and quote',
      `[import "a.jsonnet", importstr 'b.txt', importbin @"c.bin"]`,
      ['import a.jsonnet', 'importstr b.txt', 'importbin c.bin'],
    ],
    ['escapes decoded', `importstr "dir\\/f\\u0069le.txt"`, ['importstr dir/file.txt']],
    ['verbatim doubled quotes', `importstr @'it''s.txt'`, ["importstr it's.txt"]],
    [
      'comments between keyword and path',
      `import /* c */ // x\n # y\n 'p.libsonnet'`,
      ['import p.libsonnet'],
    ],
    [
      'keywords inside strings and comments are not imports',
      `{ a: "import 'x'", b: 'importstr "y"' } // import 'z'\n# importstr 'w'\n/* import 'v' */`,
      [],
    ],
    [
      'a longer identifier is not a keyword',
      `local myimport = 1; local importer = 2; myimport + importer`,
      [],
    ],
    [
      'a text block holding import text',
      `{ a: |||\n  import '/etc/passwd'\n  more\n|||, b: import 'real.libsonnet' }`,
      ['import real.libsonnet'],
    ],
    [
      'a text block with blank lines and deeper lines',
      `|||\n\n  a\n    import 'no'\n\n  b\n|||\n + importstr 'yes.txt'`,
      ['importstr yes.txt'],
    ],
    ['a string spanning lines', `"line1\nimport 'no'\nline3" + importstr 'yes.txt'`, ['importstr yes.txt']],
    [
      'an escaped quote does not end the string',
      `"a \\" import 'no' \\"" + importstr 'yes.txt'`,
      ['importstr yes.txt'],
    ],
    ['an absolute path is reported as written', `importstr '/etc/passwd'`, ['importstr /etc/passwd']],
  ])('%s', (_what, text, expected) => {
    expect(paths(text)).toEqual(expected);
  });

  it('reports the line of each import', () => {
    expect(
      jsonnetImports(`{\n a: import 'a.libsonnet',\n\n b: importstr 'b.txt' }`).map((i) => i.line),
    ).toEqual([2, 4]);
  });

  it.each<[string, string]>([
    ['a computed import', `local f = 'x'; import f`],
    ['an import of a text block', `import |||\n  x.libsonnet\n|||`],
    ['an import at the end', `import`],
    ['an unclosed string', `importstr 'x`],
    ['an unclosed comment', `/* import 'x'`],
    ['an unclosed text block', `|||\n  import 'x'\n`],
    ['a text block without a new line', `||| import 'x'`],
    ['an unknown escape', `importstr "\\q"`],
  ])('refuses %s, as jsonnet does before reading any file', (_what, text) => {
    expect(() => jsonnetImports(text)).toThrow(JsonnetSyntaxError);
  });
});
