import type { ExprNode } from './expr.ast';
import { ExprSyntaxError } from './expr.errors';
import { type Token, tokenize } from './expr.lexer';

interface BinaryOperator {
  precedence: number;
  rightAssociative?: boolean;
}

// Precedences copied from expr-lang/expr parser/operator: keeps `!a == b` as `(!a) == b` like Go expr.
const BINARY: Record<string, BinaryOperator> = {
  or: { precedence: 10 },
  '||': { precedence: 10 },
  and: { precedence: 15 },
  '&&': { precedence: 15 },
  '==': { precedence: 20 },
  '!=': { precedence: 20 },
  '<': { precedence: 20 },
  '>': { precedence: 20 },
  '<=': { precedence: 20 },
  '>=': { precedence: 20 },
  in: { precedence: 20 },
  'not in': { precedence: 20 },
  matches: { precedence: 20 },
  contains: { precedence: 20 },
  startsWith: { precedence: 20 },
  endsWith: { precedence: 20 },
  '..': { precedence: 25 },
  '+': { precedence: 30 },
  '-': { precedence: 30 },
  '*': { precedence: 60 },
  '/': { precedence: 60 },
  '%': { precedence: 60 },
  '**': { precedence: 100, rightAssociative: true },
  '^': { precedence: 100, rightAssociative: true },
  '??': { precedence: 500 },
};

const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };

const WORD_OPERATORS = new Set(['and', 'or', 'in', 'not', 'matches', 'contains', 'startsWith', 'endsWith']);

/** Parses an expr-lang source into a tree; throws ExprSyntaxError naming the token and offset. */
export function parseExpr(source: string): ExprNode {
  return new Parser(source).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseAll(): ExprNode {
    if (this.peek().kind === 'eof') throw new ExprSyntaxError('unexpected end of expression', this.source, 0);
    const node = this.parseExpression(0);
    const rest = this.peek();
    if (rest.kind !== 'eof') throw this.unexpected(rest);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  private unexpected(t: Token): ExprSyntaxError {
    if (t.kind === 'eof') return new ExprSyntaxError('unexpected end of expression', this.source, t.pos);
    const shown = t.kind === 'string' ? JSON.stringify(t.value) : `"${t.value}"`;
    return new ExprSyntaxError(`unexpected token ${shown}`, this.source, t.pos);
  }

  private expect(kind: Token['kind'], value: string): Token {
    const t = this.peek();
    if (t.kind !== kind || t.value !== value) {
      if (t.kind === 'eof') {
        throw new ExprSyntaxError(`expected "${value}" but the expression ended`, this.source, t.pos);
      }
      throw new ExprSyntaxError(`unexpected token "${t.value}", expected "${value}"`, this.source, t.pos);
    }
    return this.next();
  }

  /** The binary operator at the cursor, if any (`not in` spans two tokens). */
  private binaryOperator(): { op: string; width: number } | undefined {
    const t = this.peek();
    if (t.kind === 'operator' && BINARY[t.value]) return { op: t.value, width: 1 };
    if (t.kind === 'identifier' && WORD_OPERATORS.has(t.value)) {
      if (t.value === 'not') {
        const n = this.peek(1);
        return n.kind === 'identifier' && n.value === 'in' ? { op: 'not in', width: 2 } : undefined;
      }
      return { op: t.value, width: 1 };
    }
    return undefined;
  }

  private parseExpression(minPrecedence: number): ExprNode {
    let left = this.parseUnary();
    for (;;) {
      const found = this.binaryOperator();
      if (!found) break;
      const def = BINARY[found.op]!;
      if (def.precedence < minPrecedence) break;
      const opToken = this.peek();
      for (let i = 0; i < found.width; i++) this.next();
      const right = this.parseExpression(def.rightAssociative ? def.precedence : def.precedence + 1);
      left = { type: 'binary', op: found.op, left, right, pos: opToken.pos };
    }
    if (minPrecedence === 0 && this.peek().kind === 'operator' && this.peek().value === '?') {
      const q = this.next();
      const consequent = this.parseExpression(0);
      this.expect('operator', ':');
      const alternate = this.parseExpression(0);
      return { type: 'conditional', test: left, consequent, alternate, pos: q.pos };
    }
    return left;
  }

  private parseUnary(): ExprNode {
    const t = this.peek();
    const isUnary =
      (t.kind === 'operator' && UNARY[t.value] !== undefined) ||
      (t.kind === 'identifier' &&
        t.value === 'not' &&
        !(this.peek(1).kind === 'identifier' && this.peek(1).value === 'in'));
    if (isUnary) {
      this.next();
      const operand = this.parseExpression(UNARY[t.value]!);
      return { type: 'unary', op: t.value === 'not' ? '!' : t.value, operand, pos: t.pos };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): ExprNode {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { type: 'literal', value: t.number, pos: t.pos };
      case 'string':
        return { type: 'literal', value: t.value, pos: t.pos };
      case 'identifier':
        if (t.value === 'nil') return { type: 'literal', value: null, pos: t.pos };
        if (t.value === 'true') return { type: 'literal', value: true, pos: t.pos };
        if (t.value === 'false') return { type: 'literal', value: false, pos: t.pos };
        if (WORD_OPERATORS.has(t.value)) throw this.unexpected(t);
        return { type: 'identifier', name: t.value, pos: t.pos };
      case 'bracket':
        if (t.value === '(') {
          const inner = this.parseExpression(0);
          this.expect('bracket', ')');
          return inner;
        }
        if (t.value === '[') return this.parseArray(t);
        if (t.value === '{') return this.parseMap(t);
        throw this.unexpected(t);
      default:
        throw this.unexpected(t);
    }
  }

  private parseArray(open: Token): ExprNode {
    const elements: ExprNode[] = [];
    while (!(this.peek().kind === 'bracket' && this.peek().value === ']')) {
      elements.push(this.parseExpression(0));
      if (this.peek().kind === 'operator' && this.peek().value === ',') this.next();
      else break;
    }
    this.expect('bracket', ']');
    return { type: 'array', elements, pos: open.pos };
  }

  private parseMap(open: Token): ExprNode {
    const entries: Array<{ key: ExprNode; value: ExprNode }> = [];
    while (!(this.peek().kind === 'bracket' && this.peek().value === '}')) {
      const k = this.next();
      let key: ExprNode;
      if (k.kind === 'identifier' || k.kind === 'string')
        key = { type: 'literal', value: k.value, pos: k.pos };
      else if (k.kind === 'number') key = { type: 'literal', value: k.number, pos: k.pos };
      else if (k.kind === 'bracket' && k.value === '(') {
        key = this.parseExpression(0);
        this.expect('bracket', ')');
      } else throw this.unexpected(k);
      this.expect('operator', ':');
      entries.push({ key, value: this.parseExpression(0) });
      if (this.peek().kind === 'operator' && this.peek().value === ',') this.next();
      else break;
    }
    this.expect('bracket', '}');
    return { type: 'map', entries, pos: open.pos };
  }

  /** Member access, indexing and calls; a chain that used `?.` is wrapped so nil short-circuits it whole. */
  private parsePostfix(base: ExprNode): ExprNode {
    let node = base;
    let optionalChain = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'operator' && (t.value === '.' || t.value === '?.')) {
        this.next();
        const optional = t.value === '?.';
        optionalChain ||= optional;
        const after = this.peek();
        if (optional && after.kind === 'bracket' && after.value === '[') {
          this.next();
          const property = this.parseExpression(0);
          this.expect('bracket', ']');
          node = { type: 'member', object: node, property, optional: true, pos: after.pos };
          continue;
        }
        const name = this.next();
        if (name.kind !== 'identifier') {
          throw new ExprSyntaxError(
            `expected a field name after "${t.value}"${name.kind === 'eof' ? '' : ` but found "${name.value}"`}`,
            this.source,
            name.pos,
          );
        }
        node = {
          type: 'member',
          object: node,
          property: { type: 'literal', value: name.value, pos: name.pos },
          optional,
          pos: name.pos,
        };
        continue;
      }
      if (t.kind === 'bracket' && t.value === '[') {
        this.next();
        const property = this.parseExpression(0);
        this.expect('bracket', ']');
        node = { type: 'member', object: node, property, optional: false, pos: t.pos };
        continue;
      }
      if (t.kind === 'bracket' && t.value === '(') {
        if (node.type !== 'identifier' && node.type !== 'member') throw this.unexpected(t);
        this.next();
        const args: ExprNode[] = [];
        while (!(this.peek().kind === 'bracket' && this.peek().value === ')')) {
          args.push(this.parseExpression(0));
          if (this.peek().kind === 'operator' && this.peek().value === ',') this.next();
          else break;
        }
        this.expect('bracket', ')');
        node = { type: 'call', callee: node, args, pos: t.pos };
        continue;
      }
      break;
    }
    return optionalChain ? { type: 'chain', node, pos: node.pos } : node;
  }
}
