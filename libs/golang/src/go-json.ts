import { GoFloat, goKind, mapEntries } from './go-value';

/** Go encoding/json Marshal / MarshalIndent of template values: sorted map keys, HTML-safe escaping like Go. */
export interface GoJsonOptions {
  /** Go's default (json.Marshal): escape <, >, & as \u003c, \u003e, \u0026 */
  escapeHtml: boolean;
  indent?: string;
}

function quote(s: string, escapeHtml: boolean): string {
  let out = JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
  if (escapeHtml) out = out.replace(/[<>&]/g, (c) => '\\u00' + c.charCodeAt(0).toString(16));
  return out;
}

export function toGoJson(v: unknown, options: GoJsonOptions, depth = 0): string {
  const nl = options.indent !== undefined ? '\n' + options.indent.repeat(depth + 1) : '';
  const close = options.indent !== undefined ? '\n' + options.indent.repeat(depth) : '';
  const sep = options.indent !== undefined ? ': ' : ':';
  switch (goKind(v)) {
    case 'invalid':
    case 'nil':
      return 'null';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return String(v);
    case 'float64': {
      const n = v instanceof GoFloat ? v.value : (v as number);
      if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
      return JSON.stringify(n);
    }
    case 'string':
      return quote(v as string, options.escapeHtml);
    case 'bytes':
      return quote(Buffer.from(v as Uint8Array).toString('base64'), false);
    case 'slice': {
      const items = (v as unknown[]).map((e) => toGoJson(e, options, depth + 1));
      return items.length === 0 ? '[]' : '[' + nl + items.join(',' + nl) + close + ']';
    }
    case 'map': {
      const items = mapEntries(v as Record<string, unknown>).map(
        ([k, e]) => quote(k, options.escapeHtml) + sep + toGoJson(e, options, depth + 1),
      );
      return items.length === 0 ? '{}' : '{' + nl + items.join(',' + nl) + close + '}';
    }
    case 'func':
      throw new Error('json: unsupported type: func');
    default: {
      const custom = (v as { toJSON?: () => unknown }).toJSON;
      if (typeof custom === 'function') return toGoJson(custom.call(v), options, depth);
      const fields = Object.fromEntries(Object.entries(v as object).filter(([k]) => k !== 'goTypeName'));
      const items = Object.entries(fields).map(
        ([k, e]) => quote(k, options.escapeHtml) + sep + toGoJson(e, options, depth + 1),
      );
      return items.length === 0 ? '{}' : '{' + nl + items.join(',' + nl) + close + '}';
    }
  }
}
