import type { ExprNode } from './expr.ast';
import { ExprRuntimeError, ExprSyntaxError } from './expr.errors';
import { ExprEvaluator } from './expr.evaluator';
import { parseExpr } from './expr.parser';

export interface ExprEvaluateOptions {
  /** Epoch milliseconds used by `now()`; `time.Now()` comes from the env (see createTriggerEnv). */
  now?: number;
}

/** A parsed `when`/`oncePer` expression, safe to evaluate many times. */
export interface CompiledExpr {
  readonly source: string;
  /** Evaluates against `env`; throws ExprRuntimeError on runtime failure (nil access, type mismatch). */
  evaluate(env: Readonly<Record<string, unknown>>, options?: ExprEvaluateOptions): unknown;
}

/**
 * Compiles the subset of expr-lang/expr (v1.17) that Argo CD trigger conditions use. No JavaScript is
 * generated or executed: the tree is interpreted. Throws ExprSyntaxError with the 0-based offset.
 */
export function compileExpr(source: string): CompiledExpr {
  const ast: ExprNode = parseExpr(source);
  checkConstantOperations(source, ast);
  return {
    source,
    evaluate(env, options = {}) {
      const at = options.now;
      const clock = (): number => {
        if (at === undefined) throw new Error('now() needs the evaluation time: pass options.now');
        return at;
      };
      return new ExprEvaluator(source, env, clock).evaluate(ast);
    },
  };
}

/**
 * expr rejects operations on literals of the wrong type at compile time (`"x" + 1`, `1 and true`): evaluate every
 * operator whose operands are all literals, so such a mistake fails at config load instead of silently never firing.
 */
function checkConstantOperations(source: string, node: ExprNode): void {
  const children = childNodes(node);
  children.forEach((c) => checkConstantOperations(source, c));
  if ((node.type !== 'binary' && node.type !== 'unary') || !children.every((c) => c.type === 'literal'))
    return;
  try {
    new ExprEvaluator(source, {}, () => 0).evaluate(node);
  } catch (err) {
    if (err instanceof ExprRuntimeError) throw new ExprSyntaxError(err.detail, source, err.position);
    throw err;
  }
}

function childNodes(node: ExprNode): ExprNode[] {
  switch (node.type) {
    case 'member':
      return [node.object, node.property];
    case 'call':
      return [node.callee, ...node.args];
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'conditional':
      return [node.test, node.consequent, node.alternate];
    case 'array':
      return node.elements;
    case 'map':
      return node.entries.flatMap((e) => [e.key, e.value]);
    case 'chain':
      return [node.node];
    default:
      return [];
  }
}
