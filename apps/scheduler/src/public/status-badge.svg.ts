/**
 * Argo CD's status badge (`GET /api/badge`, server/badge/badge.go and assets/badge.svg), drawn the same
 * way: health on the left, sync on the right, an optional revision box and an optional row with the
 * application's name above. Sizes, positions and colours are Argo CD's; Berth draws no logo (Argo CD's
 * badge embeds its own), so the health text is centred in its box. Every text is XML-escaped.
 */

/** Argo CD's badge colours (server/badge/color.go). */
const GREEN = 'rgb(24, 190, 82)';
const BLUE = 'rgb(13, 173, 234)';
const PURPLE = 'rgb(178, 102, 255)';
const ORANGE = 'rgb(244, 192, 48)';
const RED = 'rgb(233, 109, 118)';
const GREY = 'rgb(204, 214, 221)';

const HEALTH_COLOURS: Readonly<Record<string, string>> = {
  Healthy: GREEN,
  Progressing: BLUE,
  Degraded: RED,
  Suspended: GREY,
  Missing: PURPLE,
  Unknown: PURPLE,
};

const SYNC_COLOURS: Readonly<Record<string, string>> = {
  Synced: GREEN,
  OutOfSync: ORANGE,
  Unknown: PURPLE,
};

/** badge.go's constants. */
const WIDTH = 131;
const WIDTH_WITH_REVISION = 192;
const WIDTH_WITH_FULL_REVISION = 400;
const HEIGHT_WITH_APP_NAME = 40;
const ROW_HEIGHT = 20;
const LEFT_RECT_WIDTH = 77;
const WIDTH_PER_CHAR = 6;
const TEXT_POSITION_WIDTH_PER_CHAR = 62;
/** Shortened revisions keep 7 characters, as `git rev-parse --short`. */
const SHORT_REVISION = 7;

export interface StatusBadge {
  /** Left box: a health status, or "Not Found". */
  health: string;
  /** Right box: a sync status (empty for "Not Found"). */
  sync: string;
  /** Shown in a third box when asked for (`revision=true`) and known. */
  revision?: string;
  /** `keepFullRevision=true`: the whole revision instead of its first 7 characters. */
  keepFullRevision?: boolean;
  /** Shown in a row above (`showAppName=true`). */
  appName?: string;
  /** `width=`: the badge's width in pixels. */
  width?: number;
  /** The app (or its namespace) does not exist: "Not Found", Unknown colours. */
  notFound?: boolean;
}

export function statusBadgeSvg(badge: StatusBadge): string {
  const healthColour = HEALTH_COLOURS[badge.health] ?? GREY;
  const syncColour = SYNC_COLOURS[badge.sync] ?? GREY;
  const leftText = badge.notFound ? 'Not Found' : badge.health;
  const rightText = badge.notFound ? '' : badge.sync;

  let width = WIDTH;
  let rightWidth = WIDTH - LEFT_RECT_WIDTH;
  let revisionWidth = 62;
  let revisionX = 1560;
  let revisionText = '';
  const showRevision = !badge.notFound && badge.revision !== undefined && badge.revision !== '';
  if (showRevision) {
    const revision = badge.revision!;
    const shorten = !badge.keepFullRevision && revision.length > SHORT_REVISION;
    revisionText = `(${shorten ? revision.slice(0, SHORT_REVISION) : revision})`;
    width = shorten ? WIDTH_WITH_REVISION : WIDTH_WITH_FULL_REVISION;
  }
  if (badge.width !== undefined) width = badge.width;
  if (showRevision || badge.width !== undefined) {
    if (showRevision) {
      revisionWidth = width - WIDTH;
      revisionX = WIDTH * 10 + Math.trunc(((revisionText.length - 1) * TEXT_POSITION_WIDTH_PER_CHAR) / 2);
    } else rightWidth = width - LEFT_RECT_WIDTH;
  }

  let height = ROW_HEIGHT;
  let rowY = 0;
  let textY = 130;
  let titleWidth = 0;
  const title = badge.appName ?? '';
  if (title !== '') {
    titleWidth = Math.max(title.length * WIDTH_PER_CHAR, width);
    rightWidth = titleWidth - LEFT_RECT_WIDTH;
    width = titleWidth;
    height = HEIGHT_WITH_APP_NAME;
    rowY = ROW_HEIGHT;
    textY = 330;
  }
  const revisionDisplay = showRevision ? 'inline' : 'none';

  return [
    `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
    `  <clipPath id="roundedCorners">`,
    `    <rect width="100%" height="100%" rx="3" opacity="1" />`,
    `  </clipPath>`,
    `  <g clip-path="url(#roundedCorners)">`,
    `    <rect id="titleRect" fill="#5c5c5c" x="0" y="0" width="${titleWidth}" height="${ROW_HEIGHT}" />`,
    `    <rect id="leftRect" fill="${healthColour}" x="0" y="${rowY}" width="${LEFT_RECT_WIDTH}" height="${ROW_HEIGHT}" />`,
    `    <rect id="rightRect" fill="${syncColour}" x="${LEFT_RECT_WIDTH}" y="${rowY}" width="${rightWidth}" height="${ROW_HEIGHT}" />`,
    `    <rect id="revisionRect" fill="${syncColour}" x="${WIDTH}" y="${rowY}" width="${revisionWidth}" height="${ROW_HEIGHT}" display="${revisionDisplay}" />`,
    `  </g>`,
    `  <g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="110">`,
    `    <text id="titleText" x="${titleWidth * 5}" y="140" transform="scale(.1)" letter-spacing="-2">${escapeXml(title)}</text>`,
    `    <text id="leftText" x="${LEFT_RECT_WIDTH * 5}" y="${textY}" transform="scale(.1)" letter-spacing="-2">${escapeXml(leftText)}</text>`,
    `    <text id="rightText" x="${LEFT_RECT_WIDTH * 10 + rightWidth * 5}" y="${textY}" transform="scale(.1)" letter-spacing="-2">${escapeXml(rightText)}</text>`,
    `    <text id="revisionText" x="${revisionX}" y="${textY}" font-family="monospace" transform="scale(.1)" font-size="100" letter-spacing="2" display="${revisionDisplay}">${escapeXml(revisionText)}</text>`,
    `  </g>`,
    `</svg>`,
    '',
  ].join('\n');
}

/** Text as SVG (XML) character data or attribute value: nothing in it can open a tag or end a value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
