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
