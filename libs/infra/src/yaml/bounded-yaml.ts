import {
  Composer,
  CST,
  Lexer,
  LineCounter,
  Parser,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';
import {
  assertDepthWithin,
  DEFAULT_DOCUMENT_LIMITS,
  depthLimitError,
  DocumentLimitError,
  type DocumentLimits,
} from './document-limits';

export type BoundedYamlOptions = ParseOptions &
  DocumentOptions &
  SchemaOptions & {
    /** Default DEFAULT_DOCUMENT_LIMITS. */
    limits?: DocumentLimits;
  };

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * `parseAllDocuments` of the `yaml` package with the limits enforced before anything recurses:
 * the text goes through `yaml`'s own lexer and CST parser (both iterative, with an explicit stack),
 * which are watched as they go; only a token stream within the limits reaches the composer (which
 * recurses per level). Throws DocumentLimitError at the first token past a limit.
 *
 * Errors are not prettified: read a position with `options.lineCounter.linePos(error.pos[0])`.
 * Convert a document with `documentToJS`, which bounds alias expansion too.
 */
export function parseAllDocumentsBounded(text: string, options: BoundedYamlOptions = {}): Document.Parsed[] {
  const { limits = DEFAULT_DOCUMENT_LIMITS, ...yamlOptions } = options;
  const lineCounter = yamlOptions.lineCounter ?? new LineCounter();
  const composer = new Composer({ ...yamlOptions, prettyErrors: false });
  return Array.from(composer.compose(boundedTokens(text, lineCounter, limits)));
}

function* boundedTokens(
  text: string,
  lineCounter: LineCounter,
  limits: DocumentLimits,
): Generator<CST.Token, void> {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // Parser.parse() announces the first line itself; next() does not.
  const at = () => {
    const { line, col } = lineCounter.linePos(parser.offset);
    return { line, column: col };
  };
  let aliases = 0;
  let atScalarValue = false;
  for (const lexeme of new Lexer().lex(text)) {
    // After the SCALAR control character comes a scalar's text, which may well start with `*`.
    if (atScalarValue) atScalarValue = false;
    else {
      const type = CST.tokenType(lexeme);
      if (type === 'scalar') atScalarValue = true;
      else if (type === 'alias' && ++aliases > limits.maxAliasCount) {
        throw new DocumentLimitError(
          'maxAliasCount',
          limits.maxAliasCount,
          `more than ${limits.maxAliasCount} YAML alias references (*name); write the values out instead`,
          at(),
        );
      }
    }
    yield* parser.next(lexeme);
    if (parser.stack.length > limits.maxDepth) {
      let depth = 0;
      for (const token of parser.stack) if (COLLECTIONS.has(token.type)) depth++;
      if (depth > limits.maxDepth) throw depthLimitError(limits.maxDepth, at());
    }
  }
  yield* parser.end();
}

/**
 * `doc.toJS()` with alias expansion bounded (the "billion laughs" attack: a few lines whose aliases
 * expand to billions of nodes) and the expanded value's depth checked. Throws DocumentLimitError;
 * an alias to an anchor that does not exist throws `yaml`'s ReferenceError.
 */
export function documentToJS(doc: Document, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError && /resource exhaustion/.test(error.message)) {
      throw new DocumentLimitError(
        'maxAliasCount',
        limits.maxAliasCount,
        `YAML aliases expand to more than ${limits.maxAliasCount} copies of their anchors (a "billion laughs" document); write the values out instead`,
      );
    }
    throw error;
  }
  assertDepthWithin(value, limits.maxDepth);
  return value;
}
