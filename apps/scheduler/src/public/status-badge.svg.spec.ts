import { describe, expect, it } from '@jest/globals';
import { escapeXml, statusBadgeSvg } from './status-badge.svg';

/** Argo CD's badge tests read the badge with these patterns (server/badge/badge_test.go). */
const read = (svg: string) => ({
  leftColour: /id="leftRect" fill="([^"]*)"/.exec(svg)?.[1],
  rightColour: /id="rightRect" fill="([^"]*)"/.exec(svg)?.[1],
  leftText: /id="leftText" [^>]*>([^<]*)/.exec(svg)?.[1],
  rightText: /id="rightText" [^>]*>([^<]*)/.exec(svg)?.[1],
  revisionText: /id="revisionText" [^>]*>([^<]*)/.exec(svg)?.[1],
  titleText: /id="titleText" [^>]*>([^<]*)/.exec(svg)?.[1],
  width: /^<svg width="(\d+)" height="(\d+)"/.exec(svg)?.slice(1, 3).map(Number),
});

describe('statusBadgeSvg', () => {
  it.each([
    ['Healthy', 'Synced', 'rgb(24, 190, 82)', 'rgb(24, 190, 82)'],
    ['Progressing', 'OutOfSync', 'rgb(13, 173, 234)', 'rgb(244, 192, 48)'],
    ['Degraded', 'Unknown', 'rgb(233, 109, 118)', 'rgb(178, 102, 255)'],
    ['Suspended', 'Synced', 'rgb(204, 214, 221)', 'rgb(24, 190, 82)'],
    ['Missing', 'Synced', 'rgb(178, 102, 255)', 'rgb(24, 190, 82)'],
    ['Unknown', 'Unknown', 'rgb(178, 102, 255)', 'rgb(178, 102, 255)'],
  ])("%s/%s in Argo CD's colours", (health, sync, leftColour, rightColour) => {
    expect(read(statusBadgeSvg({ health, sync }))).toMatchObject({
      leftColour,
      rightColour,
      leftText: health,
      rightText: sync,
      width: [131, 20],
    });
  });

  it('a status Argo CD has no colour for is grey', () => {
    expect(read(statusBadgeSvg({ health: 'Sleepy', sync: 'Drifting' }))).toMatchObject({
      leftColour: 'rgb(204, 214, 221)',
      rightColour: 'rgb(204, 214, 221)',
    });
  });

  it('Not Found keeps the right box empty and shows no revision', () => {
    const svg = statusBadgeSvg({ health: 'Unknown', sync: 'Unknown', notFound: true, revision: 'abc' });
    expect(read(svg)).toMatchObject({ leftText: 'Not Found', rightText: '', revisionText: '' });
    expect(svg).toContain(
      'id="revisionRect" fill="rgb(178, 102, 255)" x="131" y="0" width="62" height="20" display="none"',
    );
  });

  it('a revision: the first 7 characters on a 192 px badge, or all of it on 400 px', () => {
    const sha = 'aa29b85c0ffee0000000000000000000000000000';
    expect(read(statusBadgeSvg({ health: 'Healthy', sync: 'Synced', revision: sha }))).toMatchObject({
      revisionText: '(aa29b85)',
      width: [192, 20],
    });
    expect(
      read(statusBadgeSvg({ health: 'Healthy', sync: 'Synced', revision: sha, keepFullRevision: true })),
    ).toMatchObject({ revisionText: `(${sha})`, width: [400, 20] });
    // badge.go: a revision of 7 characters or fewer is shown whole, on the wide badge.
    expect(read(statusBadgeSvg({ health: 'Healthy', sync: 'Synced', revision: 'abc' }))).toMatchObject({
      revisionText: '(abc)',
      width: [400, 20],
    });
    expect(statusBadgeSvg({ health: 'Healthy', sync: 'Synced', revision: sha })).toContain(
      'id="revisionRect" fill="rgb(24, 190, 82)" x="131" y="0" width="61" height="20" display="inline"',
    );
  });

  it('the app name in a row above: 40 px high, at least as wide as the name', () => {
    const long = 'a-rather-long-application-name-for-a-badge';
    expect(read(statusBadgeSvg({ health: 'Healthy', sync: 'Synced', appName: long }))).toMatchObject({
      titleText: long,
      width: [long.length * 6, 40],
    });
    expect(read(statusBadgeSvg({ health: 'Healthy', sync: 'Synced', appName: 'web' }))).toMatchObject({
      titleText: 'web',
      width: [131, 40],
    });
  });

  it('width= sets the width; the right box takes the rest', () => {
    const svg = statusBadgeSvg({ health: 'Healthy', sync: 'Synced', width: 200 });
    expect(read(svg).width).toEqual([200, 20]);
    expect(svg).toContain('id="rightRect" fill="rgb(24, 190, 82)" x="77" y="0" width="123"');
  });

  it('escapes every text it places: nothing can open a tag or leave an attribute', () => {
    const svg = statusBadgeSvg({
      health: '<script>alert(1)</script>',
      sync: '" onload="x',
      revision: "</text><image href='x'/>",
      keepFullRevision: true,
      appName: 'a&b',
    });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<image');
    expect(svg).not.toMatch(/" onload="/);
    expect(svg).toContain('a&#38;b');
    expect(escapeXml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });
});
