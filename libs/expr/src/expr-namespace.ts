/**
 * A named bundle of values and functions exposed to expressions (`time`, `strings`).
 * Only functions held by a namespace (or a builtin) can be called: data from the Application is plain JSON,
 * so an expression can never reach a JavaScript function or prototype.
 */
export type ExprFunction = (args: unknown[]) => unknown;

export class ExprNamespace {
  constructor(
    readonly name: string,
    readonly members: Readonly<Record<string, unknown>>,
  ) {}

  has(member: string): boolean {
    return Object.hasOwn(this.members, member);
  }

  get(member: string): unknown {
    return this.members[member];
  }
}
