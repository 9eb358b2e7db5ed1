/** Syntax tree of an expr-lang expression. `pos` is the 0-based offset used in error messages. */
export type ExprNode =
  | { type: 'literal'; value: unknown; pos: number }
  | { type: 'identifier'; name: string; pos: number }
  | { type: 'member'; object: ExprNode; property: ExprNode; optional: boolean; pos: number }
  | { type: 'call'; callee: ExprNode; args: ExprNode[]; pos: number }
  | { type: 'unary'; op: string; operand: ExprNode; pos: number }
  | { type: 'binary'; op: string; left: ExprNode; right: ExprNode; pos: number }
  | { type: 'conditional'; test: ExprNode; consequent: ExprNode; alternate: ExprNode; pos: number }
  | { type: 'array'; elements: ExprNode[]; pos: number }
  | { type: 'map'; entries: Array<{ key: ExprNode; value: ExprNode }>; pos: number }
  /** Boundary of a `?.` chain: a nil short-circuit anywhere inside makes the whole chain nil. */
  | { type: 'chain'; node: ExprNode; pos: number };
