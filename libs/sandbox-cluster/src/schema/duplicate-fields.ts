import { isScalar, LineCounter, parseDocument, visit } from 'yaml';

/**
 * The members a JSON text names twice in one object, as the API server's strict decoder reports them
 * (`duplicate field "paused"`: the member's name, not its path), in document order. JSON.parse keeps the last
 * value silently, as Go's decoder does, so the text is scanned for them. Text that is not JSON answers none
 * (its parse error is reported elsewhere).
 */
export function duplicateJsonFields(text: string): string[] {
  const found: string[] = [];
  // One entry per open container: the names seen so far in an object, or null for an array.
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return found;
        }
        if (top.has(key)) found.push(`duplicate field ${JSON.stringify(key)}`);
        top.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return found;
}

/**
 * Parses a YAML body (or an apply configuration, JSON being YAML) keeping the last of a repeated key, as Go's
 * YAML decoder does, and answers the strict decoder's complaint for each repeat: `line 10: key "paused" already
 * set in map`. Throws the parser's error for text that is not YAML.
 */
export function parseYamlReportingDuplicates(text: string): { value: unknown; duplicates: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
  if (doc.errors.length > 0) throw doc.errors[0]!;
  const duplicates: string[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const item of map.items) {
        const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (seen.has(key)) {
          const at = isScalar(item.key) && item.key.range ? lineCounter.linePos(item.key.range[0]).line : 0;
          duplicates.push(`line ${at}: key ${JSON.stringify(key)} already set in map`);
        }
        seen.add(key);
      }
    },
  });
  return { value: doc.toJS() as unknown, duplicates };
}
