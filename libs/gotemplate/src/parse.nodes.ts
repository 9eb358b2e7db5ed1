/** The parse tree of a Go text/template (text/template/parse/node.go), with Go's String() for error context. */

export interface NodeBase {
  /** UTF-16 offset in the source, for line:column in errors */
  pos: number;
}

export interface TextNode extends NodeBase {
  type: 'text';
  text: string;
}
export interface CommentNode extends NodeBase {
  type: 'comment';
}
export interface FieldNode extends NodeBase {
  type: 'field';
  ident: string[];
}
export interface VariableNode extends NodeBase {
  type: 'variable';
  ident: string[];
}
export interface ChainNode extends NodeBase {
  type: 'chain';
  node: ArgNode;
  field: string[];
}
export interface DotNode extends NodeBase {
  type: 'dot';
}
export interface NilNode extends NodeBase {
  type: 'nil';
}
export interface BoolNode extends NodeBase {
  type: 'bool';
  value: boolean;
}
export interface NumberNode extends NodeBase {
  type: 'number';
  text: string;
  /** int or float64 per the model in go-value.ts */
  value: unknown;
}
export interface StringNode extends NodeBase {
  type: 'string';
  quoted: string;
  text: string;
}
export interface IdentifierNode extends NodeBase {
  type: 'identifier';
  name: string;
}
export interface PipeNode extends NodeBase {
  type: 'pipe';
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode extends NodeBase {
  type: 'command';
  args: ArgNode[];
}
export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | IdentifierNode
  | PipeNode;

export interface ListNode extends NodeBase {
  type: 'list';
  nodes: Node[];
}
export interface ActionNode extends NodeBase {
  type: 'action';
  pipe: PipeNode;
}
export interface BranchNode extends NodeBase {
  type: 'if' | 'range' | 'with';
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}
export interface TemplateNode extends NodeBase {
  type: 'template';
  name: string;
  pipe?: PipeNode;
}
export interface BreakNode extends NodeBase {
  type: 'break';
}
export interface ContinueNode extends NodeBase {
  type: 'continue';
}
export type Node =
  TextNode | CommentNode | ListNode | ActionNode | BranchNode | TemplateNode | BreakNode | ContinueNode;

export function nodeString(n: ArgNode | CommandNode | ActionNode | Node): string {
  switch (n.type) {
    case 'field':
      return n.ident.map((i) => '.' + i).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain':
      return (
        (n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) +
        n.field.map((f) => '.' + f).join('')
      );
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'identifier':
      return n.name;
    case 'pipe': {
      const decl = n.decl.length
        ? n.decl.map((d) => nodeString(d)).join(', ') + (n.isAssign ? ' = ' : ' := ')
        : '';
      return decl + n.cmds.map((c) => nodeString(c)).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'text':
      return n.text;
    case 'comment':
      return '{{/* */}}';
    case 'list':
      return n.nodes.map((x) => nodeString(x)).join('');
    case 'if':
    case 'range':
    case 'with':
      return `{{${n.type} ${nodeString(n.pipe)}}}`;
    case 'template':
      return `{{template ${JSON.stringify(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
  }
}
