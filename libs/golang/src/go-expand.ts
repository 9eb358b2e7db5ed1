/**
 * Go's `os.Expand`: replaces `$var` and `${var}` in `text` by `mapping(var)`. As in Go, a name is a run
 * of ASCII letters, digits and `_`, or one of the shell's special characters (`*#$@!?-` and a digit);
 * `${}` and an unclosed `${` are dropped; a `$` followed by nothing that names a variable stays.
 * Argo CD's build environment (`Env.Envsubst`) is this with `$$` read as a literal `$`.
 */
export function goExpand(text: string, mapping: (name: string) => string): string {
  let out = '';
  let from = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue;
    out += text.slice(from, j);
    const [name, width] = shellName(text.slice(j + 1));
    if (name === '' && width > 0) {
      // invalid syntax: the characters are eaten
    } else if (name === '') out += '$';
    else out += mapping(name);
    j += width;
    from = j + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isShellSpecial(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && '*#$@!?-0123456789'.includes(c);
}

function isAlphaNum(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9_]$/.test(c);
}

/** Go's getShellName: the name after a `$` and how many characters it takes. */
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && isShellSpecial(s[1]) && s[2] === '}') return [s.slice(1, 2), 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (isShellSpecial(s[0])) return [s.slice(0, 1), 1];
  let i = 0;
  while (i < s.length && isAlphaNum(s[i])) i++;
  return [s.slice(0, i), i];
}
