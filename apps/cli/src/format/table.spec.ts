import { describe, expect, it } from '@jest/globals';
import { renderFields, renderTable } from './table';

describe('renderTable', () => {
  it('aligns columns without borders, headers first, no trailing blanks', () => {
    expect(
      renderTable(
        ['NAME', 'STATUS', 'HEALTH'],
        [
          ['guestbook', 'Synced', 'Healthy'],
          ['a', 'OutOfSync', ''],
        ],
      ),
    ).toBe(
      ['NAME       STATUS     HEALTH', 'guestbook  Synced     Healthy', 'a          OutOfSync'].join('\n'),
    );
  });

  it('keeps a row on one line when a cell has a newline', () => {
    expect(renderTable(['A', 'B'], [['x', 'one\ntwo']]).split('\n')).toHaveLength(2);
  });
});

describe('renderFields', () => {
  it('pads keys to 20 columns', () => {
    expect(
      renderFields([
        ['Name', 'argocd/guestbook'],
        ['Target', ''],
      ]),
    ).toBe('Name:               argocd/guestbook\nTarget:');
  });
});
