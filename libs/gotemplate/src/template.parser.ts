import { GoFloat } from '@berth/golang';
import { lexTemplate, type Token, type TokenType } from './template.lexer';
import type { ArgNode, BranchNode, CommandNode, ListNode, Node, NumberNode, PipeNode } from './parse.nodes';
import { nodeString } from './parse.nodes';

/** Go text/template's parser (text/template/parse/parse.go). Produces the main tree and `define`d templates. */

export class ParseFailure extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly pos: number,
  ) {
    super(message);
  }
}

export interface ParsedTemplates {
  root: ListNode;
  defines: Map<string, ListNode>;
}

type Control = 'if' | 'range' | 'with';

export function parseTemplate(source: string, hasFunction: (name: string) => boolean): ParsedTemplates {
  return new Parser(source, hasFunction).parse();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private readonly defines = new Map<string, ListNode>();

  constructor(
    source: string,
    private readonly hasFunction: (name: string) => boolean,
  ) {
    this.tokens = lexTemplate(source);
  }

  parse(): ParsedTemplates {
    const root: ListNode = { type: 'list', pos: 0, nodes: [] };
    while (this.peek().type !== 'eof') {
      const n = this.textOrAction(true);
      if (isMarker(n)) this.errorf(`unexpected {{${n.type}}}`, n.token);
      root.nodes.push(n);
    }
    return { root, defines: this.defines };
  }

  // ----- token helpers ---------------------------------------------------------------------------------------------

  private peek(): Token {
    const t = this.tokens[this.index];
    if (!t) return { type: 'eof', value: '', pos: 0, line: 0 };
    return t;
  }
  private next(): Token {
    const t = this.peek();
    if (t.type === 'error') this.errorf(t.value, t);
    if (this.index < this.tokens.length) this.index++;
    return t;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.index--;
    return t;
  }
  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }
  private errorf(
    message: string,
    token: Token = this.tokens[Math.max(this.index - 1, 0)] ?? this.peek(),
  ): never {
    throw new ParseFailure(message, token.line, token.pos);
  }
  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') this.errorf(t.value, t);
    this.errorf(`unexpected ${describe(t)} in ${context}`, t);
  }

  // ----- structure -------------------------------------------------------------------------------------------------

  private parseDefinition(): void {
    const nameToken = this.expectOneOf(['string', 'rawString'], 'define clause');
    const name = unquote(nameToken.value, nameToken);
    this.expect('rightDelim', 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${'{{else}}'} in definition`, end.token);
    this.vars = saved;
    this.defines.set(name, list);
  }

  private expectOneOf(types: TokenType[], context: string): Token {
    const t = this.nextNonSpace();
    if (!types.includes(t.type)) this.unexpected(t, context);
    return t;
  }

  private itemList(): [ListNode, { type: 'end' | 'else'; token: Token }] {
    const list: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (isMarker(n)) return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF', this.peek());
  }

  private textOrAction(topLevel = false): Node | { type: 'end' | 'else'; token: Token } {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'text':
        return { type: 'text', pos: t.pos, text: t.value };
      case 'leftDelim':
        return this.action(topLevel);
      case 'comment':
        return { type: 'comment', pos: t.pos };
      default:
        this.unexpected(t, 'input');
    }
  }

  private action(topLevel: boolean): Node | { type: 'end' | 'else'; token: Token } {
    const t = this.nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.value) {
        case 'block':
          return this.blockControl(t);
        case 'break':
        case 'continue': {
          if (this.rangeDepth === 0) this.errorf(`{{${t.value}}} outside {{range}}`, t);
          this.expect('rightDelim', `{{${t.value}}}`);
          return { type: t.value, pos: t.pos };
        }
        case 'else': {
          const p = this.peekNonSpace();
          if (!(p.type === 'keyword' && (p.value === 'if' || p.value === 'with')))
            this.expect('rightDelim', 'else');
          return { type: 'else', token: t };
        }
        case 'end':
          this.expect('rightDelim', 'end');
          return { type: 'end', token: t };
        case 'if':
        case 'range':
        case 'with':
          return this.control(t.value, t);
        case 'template':
          return this.templateControl(t);
        case 'define':
          if (!topLevel) this.errorf('unexpected <define> in command', t);
          this.parseDefinition();
          return { type: 'comment', pos: t.pos };
      }
    }
    this.index--;
    return { type: 'action', pos: t.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private control(context: Control, token: Token): BranchNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    const [list, end] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (end.type === 'else') {
      const p = this.peekNonSpace();
      if (context !== 'range' && p.type === 'keyword' && p.value === context) {
        const kw = this.nextNonSpace();
        elseList = { type: 'list', pos: kw.pos, nodes: [this.control(context, kw)] };
      } else {
        const [els, end2] = this.itemList();
        if (end2.type !== 'end') this.errorf(`expected end; found {{else}}`, end2.token);
        elseList = els;
      }
    }
    this.vars.length = mark;
    return { type: context, pos: token.pos, pipe, list, elseList };
  }

  private templateControl(token: Token): Node {
    const nameToken = this.expectOneOf(['string', 'rawString'], 'template clause');
    const name = unquote(nameToken.value, nameToken);
    let pipe: PipeNode | undefined;
    if (this.peekNonSpace().type !== 'rightDelim') pipe = this.pipeline('template clause', 'rightDelim');
    else this.nextNonSpace();
    return { type: 'template', pos: token.pos, name, pipe };
  }

  private blockControl(token: Token): Node {
    const nameToken = this.expectOneOf(['string', 'rawString'], 'block clause');
    const name = unquote(nameToken.value, nameToken);
    const pipe = this.pipeline('block clause', 'rightDelim');
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.type !== 'end') this.errorf('unexpected {{else}} in block clause', end.token);
    this.vars = saved;
    this.defines.set(name, list);
    return { type: 'template', pos: token.pos, name, pipe };
  }

  // ----- pipelines -------------------------------------------------------------------------------------------------

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, isAssign: false, decl: [], cmds: [] };
    // declarations: $x := / $x = / $i, $v :=
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const saveIndex = this.index;
      this.nextNonSpace();
      const after = this.peekNonSpace();
      if (after.type === 'assign' || after.type === 'declare') {
        this.nextNonSpace();
        pipe.isAssign = after.type === 'assign';
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.value] });
        if (after.type === 'declare') this.vars.push(v.value);
        else this.useVar(v);
        break;
      }
      if (after.type === 'comma') {
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.value] });
        if (context === 'range' && pipe.decl.length < 2) {
          const n = this.peekNonSpace();
          if (n.type === 'variable' || n.type === 'rightDelim' || n.type === 'rightParen') continue;
          this.errorf('range can only initialize variables', n);
        }
        this.errorf(`too many declarations in ${context}`, v);
      }
      this.index = saveIndex;
      break;
    }
    if (pipe.decl.length === 2 && !pipe.isAssign) {
      const first = pipe.decl[0];
      if (first) this.vars.push(first.ident[0] ?? '');
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context, t);
        return pipe;
      }
      switch (t.type) {
        case 'bool':
        case 'char':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.index--;
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, t: Token): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`, t);
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0];
      if (first && ['bool', 'dot', 'nil', 'number', 'string'].includes(first.type)) {
        this.errorf(`non executable command in pipeline stage ${i + 2}`, t);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.index--;
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== 'field') return node;
    const fields: string[] = [];
    const chainPos = this.peek().pos;
    while (this.peek().type === 'field') fields.push(this.next().value.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos: node.pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { type: 'variable', pos: node.pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      // eslint-disable-next-line no-fallthrough
      default:
        return { type: 'chain', pos: chainPos, node, field: fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.hasFunction(t.value)) this.errorf(`function ${JSON.stringify(t.value)} not defined`, t);
        return { type: 'identifier', pos: t.pos, name: t.value };
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'nil':
        return { type: 'nil', pos: t.pos };
      case 'variable':
        this.useVar(t);
        return { type: 'variable', pos: t.pos, ident: [t.value] };
      case 'field':
        return { type: 'field', pos: t.pos, ident: [t.value.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: t.pos, value: t.value === 'true' };
      case 'number':
      case 'char':
        return this.number(t);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { type: 'string', pos: t.pos, quoted: t.value, text: unquote(t.value, t) };
      default:
        this.index--;
        return undefined;
    }
  }

  private useVar(t: Token): void {
    const name = t.value;
    if (!this.vars.includes(name)) this.errorf(`undefined variable ${JSON.stringify(name)}`, t);
  }

  private number(t: Token): NumberNode {
    const text = t.value;
    if (t.type === 'char') {
      const s = unquote('"' + text.slice(1, -1).replace(/"/g, '\\"') + '"', t);
      const cp = s.codePointAt(0);
      if (cp === undefined || [...s].length !== 1) this.errorf(`malformed character constant: ${text}`, t);
      return { type: 'number', pos: t.pos, text, value: cp };
    }
    if (text.endsWith('i')) this.errorf(`complex numbers are not supported: ${text}`, t);
    const clean = text.replace(/_/g, '');
    const sign = clean.startsWith('-') ? -1 : 1;
    const body = clean.replace(/^[+-]/, '');
    const isFloat = !/^0[xX]/.test(body) && /[.eE]/.test(body);
    let value: number;
    if (/^0[xX]/.test(body) && /[.pP]/.test(body)) {
      this.errorf(`hexadecimal floating-point numbers are not supported: ${text}`, t);
    } else if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
    else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
    else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
    else if (!isFloat && /^0[0-7]+$/.test(body)) value = parseInt(body.slice(1), 8);
    else value = Number(body);
    if (Number.isNaN(value)) this.errorf(`illegal number syntax: ${JSON.stringify(text)}`, t);
    value *= sign;
    return {
      type: 'number',
      pos: t.pos,
      text,
      value: isFloat ? (Number.isInteger(value) ? new GoFloat(value) : value) : value,
    };
  }
}

type Marker = { type: 'end' | 'else'; token: Token };

function isMarker(n: Node | Marker): n is Marker {
  return n.type === 'end' || n.type === 'else';
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'EOF';
    case 'keyword':
      return `<${t.value}>`;
    case 'rightDelim':
    case 'leftDelim':
      return JSON.stringify(t.value);
    default:
      return t.value.length > 10 ? `${JSON.stringify(t.value.slice(0, 10))}...` : JSON.stringify(t.value);
  }
}

/** strconv.Unquote for "..." and `...` literals. */
function unquote(quoted: string, t: Token): string {
  if (quoted.startsWith('`')) return quoted.slice(1, -1).replace(/\r/g, '');
  const body = quoted.slice(1, -1);
  const bytes: number[] = [];
  const pushString = (s: string): void => {
    for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      const cp = body.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      pushString(ch);
      i += ch.length - 1;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      '"': '"',
    };
    if (e !== undefined && simple[e] !== undefined) {
      pushString(simple[e]);
    } else if (e === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      pushString(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + n), 16)));
      i += n;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      throw new ParseFailure('invalid syntax', t.line, t.pos);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
