import { CST, Lexer } from 'yaml';

/**
 * How deep YAML read from Git or printed by a tool may nest. Kubernetes manifests stay far below
 * (a CRD's openAPIV3Schema nests ~40 levels, ~100 columns); the `yaml` composer recurses per level and
 * gives up near 850, and a megabyte of `[` costs it 10 s and can take the process down with it.
 */
export const MAX_YAML_NESTING = 500;

/**
 * How many nodes aliases may expand to per document (`yaml`'s `maxAliasCount`). A "billion laughs"
 * file is a few lines of anchors that expand to 10^9 nodes; real manifests use a handful of aliases.
 */
export const MAX_YAML_ALIAS_COUNT = 1000;

const BLOCK_INDICATORS = new Set(['seq-item-ind', 'explicit-key-ind', 'map-value-ind']);

/**
 * Why YAML must not be parsed: its nesting could exhaust the parser (a message naming `source` and
 * the line), or undefined when it is within MAX_YAML_NESTING. Run before parsing. Each caller throws
 * its own error (`manifest-too-complex`) with the message. The lexer is linear and
 * streams tokens, so this costs one pass and stops at the first line too deep. Block nesting at a
 * line is at most its indentation plus the compact indicators (`- - a:`) on it; flow nesting is
 * counted by brackets, which the lexer separates from quoted and block scalars.
 */
export function excessiveYamlNesting(text: string, source: string): string | undefined {
  let flow = 0;
  let line = 1;
  let lineStart = true;
  let lineDepth = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      line++;
      lineStart = true;
      lineDepth = 0;
      continue;
    }
    if (token.includes('\n')) {
      // A block scalar's body or a multi-line quoted scalar: content, not structure. A body ends its
      // last line, so the next token starts a line.
      line += countNewlines(token);
      if (token.endsWith('\n')) {
        lineStart = true;
        lineDepth = 0;
        continue;
      }
    } else if (type === 'space' && lineStart) lineDepth = token.length;
    else if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
    else if (type && BLOCK_INDICATORS.has(type)) lineDepth++;
    lineStart = false;
    if (flow + lineDepth > MAX_YAML_NESTING)
      return `${source}: YAML nested deeper than ${MAX_YAML_NESTING} levels at line ${line}; Berth refuses it to protect the renderer: flatten the document`;
  }
  return undefined;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
