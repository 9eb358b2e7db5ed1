/** `TEMPLATE_BUDGET`: the render went over its budget (steps or output size), see `RenderOptions.budget`. */
export type TemplateErrorCode = 'TEMPLATE_PARSE' | 'TEMPLATE_EXEC' | 'TEMPLATE_BUDGET';

/**
 * A template failed to parse or to execute. The message is Go's text, so users can search it:
 * parse errors `template: <name>:<line>: <what>` (Go reports only the line; `column` is exact here),
 * execution errors `template: <name>:<line>:<col>: executing "<name>" at <<node>>: <what>`.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    readonly templateName: string,
    readonly line: number,
    readonly column: number,
    options?: { cause?: unknown },
    /** With `TEMPLATE_BUDGET`: which limit was reached. */
    readonly budget?: 'steps' | 'output',
  ) {
    super(message, options);
  }
}
