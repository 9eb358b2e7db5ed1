import { readPolicyText, type CsvProblem, type CsvRecord, type PolicyLineSource } from './policy-csv';

/** `p, <subject>, <resource>, <action>, <object>, allow|deny` */
export interface PolicyRule {
  type: 'p';
  subject: string;
  resource: string;
  action: string;
  object: string;
  effect: 'allow' | 'deny';
  source: PolicyLineSource;
}

/** `g, <user|group|role>, <role>`: the subject holds every right of the role. */
export interface RoleBinding {
  type: 'g';
  subject: string;
  role: string;
  source: PolicyLineSource;
}

export type PolicyLine = PolicyRule | RoleBinding;

/**
 * A CSV record as a p or g line (Argo CD's loadPolicyLine: `p` takes 6 fields, `g` 3, nothing else is a
 * line type of the model), with the effect checked: Casbin would read any other word as neither allow nor
 * deny, so the line could never take effect.
 */
export function policyLineOf(record: CsvRecord): PolicyLine | CsvProblem {
  const { fields, source } = record;
  const [type = ''] = fields;
  if (type === 'p') {
    if (fields.length !== 6) {
      return {
        source,
        message: `a p line has 6 fields "p, subject, resource, action, object, effect", this one has ${fields.length}`,
      };
    }
    const [, subject = '', resource = '', action = '', object = '', effect = ''] = fields;
    if (effect !== 'allow' && effect !== 'deny') {
      return { source, message: `effect ${JSON.stringify(effect)} is neither allow nor deny` };
    }
    return { type, subject, resource, action, object, effect, source };
  }
  if (type === 'g') {
    if (fields.length !== 3) {
      return {
        source,
        message: `a g line has 3 fields "g, subject, role", this one has ${fields.length}`,
      };
    }
    const [, subject = '', role = ''] = fields;
    return { type, subject, role, source };
  }
  return {
    source,
    message: `${JSON.stringify(type)} is not a line type; start the line with p (a permission) or g (a role binding)`,
  };
}

/** Reads policy text into lines; unreadable lines are problems and left out. */
export function readPolicyLines(text: string, key: string): { lines: PolicyLine[]; problems: CsvProblem[] } {
  const { records, problems } = readPolicyText(text, key);
  const lines: PolicyLine[] = [];
  for (const record of records) {
    const line = policyLineOf(record);
    if ('type' in line) lines.push(line);
    else problems.push(line);
  }
  return { lines, problems };
}

/** The fields of a line in the model's order (without its type), as Casbin stores them. */
export function casbinRule(line: PolicyLine): string[] {
  return line.type === 'p'
    ? [line.subject, line.resource, line.action, line.object, line.effect]
    : [line.subject, line.role];
}
