import { describe, expect, it } from '@jest/globals';
import { checkOperationIntervals, type OperationEventRow } from './operation-intervals';

/** `['S:a', 'R:a', 'T:a']` -> rows of app `app` with versions 1..n, appended by `w1` unless `@w2`. */
function stream(...events: string[]): OperationEventRow[] {
  const types: Record<string, string> = {
    S: 'SyncOperationStarted',
    R: 'ResourceSynced',
    T: 'SyncOperationSucceeded',
    F: 'SyncOperationFailed',
    Q: 'SyncRequested',
  };
  return events.map((e, i) => {
    const [kind, rest] = e.split(':') as [string, string | undefined];
    const [operationId, appendedBy] = (rest ?? '').split('@');
    return {
      application: 'app',
      streamVersion: i + 1,
      type: types[kind]!,
      operationId: operationId || undefined,
      appendedBy: appendedBy ?? 'w1',
    };
  });
}

describe('checkOperationIntervals', () => {
  const cases: Array<[string, OperationEventRow[], string[]]> = [
    ['two operations one after the other', stream('Q:a', 'S:a', 'R:a', 'T:a', 'Q:b', 'S:b', 'F:b'), []],
    [
      'a second operation starting inside the first',
      stream('S:a', 'S:b', 'T:b', 'T:a'),
      ['started at version 2 while operation a was still running', 'outside its operation'],
    ],
    ['a resource synced outside its operation', stream('S:a', 'T:a', 'R:a'), ['outside its operation']],
    ['an operation without a terminal event', stream('S:a'), ['1 SyncOperationStarted and 0 terminal']],
    ['an operation started twice', stream('S:a', 'S:a', 'T:a'), ['2 SyncOperationStarted and 1 terminal']],
    [
      'two workers appending within one operation',
      stream('S:a@w1', 'R:a@w2', 'T:a@w1'),
      ['appended by w1 and w2'],
    ],
  ];
  it.each(cases)('%s', (_name, rows, expected) => {
    const problems = checkOperationIntervals(rows).map((v) => v.problem);
    if (expected.length === 0) expect(problems).toEqual([]);
    for (const fragment of expected) expect(problems.some((p) => p.includes(fragment))).toBe(true);
  });

  it('checks each application on its own, in stream_version order', () => {
    const a = stream('S:a', 'T:a');
    const b = stream('S:b', 'T:b').map((r) => ({ ...r, application: 'other' }));
    // Interleaved globally (as two apps syncing at once are) but fine per app; input order does not matter.
    expect(checkOperationIntervals([b[0]!, a[1]!, a[0]!, b[1]!])).toEqual([]);
  });
});
