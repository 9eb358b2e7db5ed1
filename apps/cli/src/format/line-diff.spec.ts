import { describe, expect, it } from '@jest/globals';
import { lineEdits, unifiedDiff } from './line-diff';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
    expect(unifiedDiff('', '')).toBe('');
  });

  it('shows one changed line with three lines of context, removal before addition', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h'].join('\n');
    expect(unifiedDiff(before, after)).toBe(
      ['@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h'].join('\n'),
    );
  });

  it('keeps distant changes in separate hunks and near ones in one', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const changed = [...lines];
    changed[1] = 'X';
    changed[18] = 'Y';
    const diff = unifiedDiff(lines.join('\n'), changed.join('\n'));
    expect(diff.split('\n').filter((l) => l.startsWith('@@'))).toEqual([
      '@@ -1,5 +1,5 @@',
      '@@ -16,5 +16,5 @@',
    ]);
    changed[18] = 'l18';
    changed[6] = 'Z';
    expect(
      unifiedDiff(lines.join('\n'), changed.join('\n'))
        .split('\n')
        .filter((l) => l.startsWith('@@')),
    ).toEqual(['@@ -1,10 +1,10 @@']);
  });

  it('a new text against nothing is all additions; nothing against an old text all removals', () => {
    expect(unifiedDiff('', 'a\nb\n')).toBe('@@ -0,0 +1,2 @@\n+a\n+b');
    expect(unifiedDiff('a\nb\n', '')).toBe('@@ -1,2 +0,0 @@\n-a\n-b');
  });

  it('an inserted line keeps the lines after it as context, not as changes', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nx\nb\nc\n')).toBe('@@ -1,3 +1,4 @@\n a\n+x\n b\n c');
  });
});

describe('lineEdits', () => {
  it('finds a longest common subsequence', () => {
    const edits = lineEdits(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
    expect(edits.filter((e) => e.op === ' ')).toHaveLength(4);
    // Applying the edits gives back both sides.
    expect(edits.filter((e) => e.op !== '+').map((e) => e.line)).toEqual(['a', 'b', 'c', 'a', 'b', 'b', 'a']);
    expect(edits.filter((e) => e.op !== '-').map((e) => e.line)).toEqual(['c', 'b', 'a', 'b', 'a', 'c']);
  });
});
