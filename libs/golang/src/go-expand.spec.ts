import { describe, expect, it } from '@jest/globals';
import { goExpand } from './go-expand';

// Expected values are what Go's os.Expand returns for the same input and mapping.
const vars: Record<string, string> = { HOME: '/home/me', A: 'a', A_1: 'x', '*': 'star', '1': 'one', $: '$' };
const mapping = (name: string) => vars[name] ?? '';

describe('goExpand (os.Expand)', () => {
  it.each<[string, string]>([
    ['', ''],
    ['no variables', 'no variables'],
    ['$HOME/x', '/home/me/x'],
    ['${HOME}/x', '/home/me/x'],
    ['$A_1-$A', 'x-a'],
    ['$UNKNOWN.', '.'],
    ['${*} $* $1 ${1}', 'star star one one'],
    ['cost: $$5', 'cost: $5'],
    ['trailing $', 'trailing $'],
    ['$ alone', '$ alone'],
    ['${}x', 'x'],
    ['${unclosed', 'unclosed'],
    ['$.', '$.'],
    ['a${A}b${A}c', 'aabac'],
  ])('%j -> %j', (text, expected) => {
    expect(goExpand(text, mapping)).toBe(expected);
  });
});
