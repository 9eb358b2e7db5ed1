import { DEFAULT_DOCUMENT_LIMITS, depthLimitError, type DocumentLimits } from './document-limits';

/** JSON that does not parse. The message has a position, never a piece of the text (it may hold a secret). */
export class JsonSyntaxError extends Error {
  readonly code = 'JSON_SYNTAX';

  constructor(readonly position?: { line: number; column: number }) {
    super(
      `not valid JSON${position ? ` (line ${position.line}, column ${position.column})` : ''}; check quotes, commas and brackets`,
    );
    this.name = 'JsonSyntaxError';
  }
}

/**
 * `JSON.parse` with the nesting depth checked first by one linear scan (JSON has no aliases, so
 * depth is its only structural limit). Throws DocumentLimitError or JsonSyntaxError.
 */
export function parseJsonBounded(text: string, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limits.maxDepth) throw depthLimitError(limits.maxDepth, positionOf(text, i));
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // V8 says e.g. `Unexpected token 'p', "password: hunter2" is not valid JSON`: keep only the position.
    const at = /at position (\d+)/.exec((error as Error).message);
    throw new JsonSyntaxError(at ? positionOf(text, Number(at[1])) : undefined);
  }
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
