import { CronExpressionParser } from 'cron-parser';
import { parseDuration } from '../shared/duration';
import type { SyncWindow } from './app-project.types';

/**
 * When a sync window is open. Argo CD parses `schedule` with robfig/cron (five fields: minute, hour,
 * day-of-month, month, day-of-week; no seconds, no `@daily`, no `L`/`#`/`W`/`H`) and `duration` with Go's
 * time.ParseDuration; the window opens at each time the schedule names, in `timeZone` (IANA, default UTC),
 * and stays open for `duration`. Berth reads the schedule with robfig's grammar, then lets cron-parser walk
 * the calendar in the zone, so daylight saving time is the zone's own:
 * - a start the clocks skip (02:30 on a spring-forward night) moves forward by the skipped hour (03:30);
 * - a start the clocks repeat (02:30 on a fall-back night) opens the window once, at the first 02:30;
 * - `duration` is elapsed time: 22:00 + 8h ends at 05:00 or 07:00 on the nights the clocks change.
 */

interface FieldBounds {
  name: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DAY_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** robfig/cron's bounds: day-of-week is 0-6 (Sunday is 0 only). */
const FIELDS: readonly FieldBounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 6, names: DAY_NAMES },
];

const FIVE_FIELDS_FIX = 'use five fields: minute hour day-of-month month day-of-week, e.g. "0 22 * * *"';

export type ScheduleParse =
  /** `expression`: the same schedule for cron-parser, each field spelled out (see `normalizeField`). */
  { ok: true; expression: string } | { ok: false; message: string; fix: string };

interface ParsedField {
  values: number[];
  /** robfig's star bit: the field began with `*` or `?` (and had no step > 1). */
  star: boolean;
}

/**
 * robfig/cron's getRange for one comma-separated item: `*`, `?`, `n`, `a-b`, `a/step` (= a-max/step),
 * `a-b/step`, names in the month and day-of-week fields (case-insensitive).
 */
function parseItem(item: string, bounds: FieldBounds): { values: number[]; star: boolean } | string {
  const rangeAndStep = item.split('/');
  if (rangeAndStep.length > 2) return `too many slashes in ${JSON.stringify(item)}`;
  const [range = '', stepText] = rangeAndStep;
  const lowAndHigh = range.split('-');
  let start: number;
  let end: number;
  let star = false;
  if (range === '*' || range === '?') {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    if (lowAndHigh.length > 2) return `too many hyphens in ${JSON.stringify(item)}`;
    const low = valueOf(lowAndHigh[0] ?? '', bounds);
    if (typeof low === 'string') return low;
    start = low;
    end = low;
    if (lowAndHigh.length === 2) {
      const high = valueOf(lowAndHigh[1] ?? '', bounds);
      if (typeof high === 'string') return high;
      end = high;
    }
  }
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) return `step ${JSON.stringify(stepText)} is not a number`;
    step = Number(stepText);
    // robfig: "n/step" means "n-max/step".
    if (lowAndHigh.length === 1 && !star) end = bounds.max;
    if (step > 1) star = false;
  }
  if (start < bounds.min) return `${start} is below the ${bounds.name} minimum of ${bounds.min}`;
  if (end > bounds.max) return `${end} is above the ${bounds.name} maximum of ${bounds.max}`;
  if (start > end) return `range ${JSON.stringify(item)} starts after it ends`;
  if (step === 0) return `step of ${JSON.stringify(item)} must be positive`;
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return { values, star };
}

function valueOf(text: string, bounds: FieldBounds): number | string {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (/^\d+$/.test(text)) return Number(text);
  if (/[LW#H]/.test(text))
    return `${JSON.stringify(text)} uses L, W, # or H, which Argo CD's cron (robfig/cron) does not know`;
  return `${JSON.stringify(text)} is not a ${bounds.name} value`;
}

function parseField(text: string, bounds: FieldBounds): ParsedField | string {
  const values = new Set<number>();
  let star = false;
  for (const item of text.split(',')) {
    if (item === '') return `empty item in the ${bounds.name} field ${JSON.stringify(text)}`;
    const parsed = parseItem(item, bounds);
    if (typeof parsed === 'string') return `${bounds.name} field: ${parsed}`;
    parsed.values.forEach((v) => values.add(v));
    star ||= parsed.star;
  }
  return { values: [...values].sort((a, b) => a - b), star };
}

/**
 * The field as cron-parser reads it the way robfig matches it: `*` where robfig has its star bit, else the
 * values spelled out. It matters for the days: robfig requires both day-of-month and day-of-week to match
 * when either carries the star bit, else either (`*\/1` keeps the star bit, `*\/2` does not); cron-parser
 * decides the same from a literal `*`.
 */
function normalizeField(field: ParsedField): string {
  return field.star ? '*' : field.values.join(',');
}

/** Reads a window's `schedule` as Argo CD's parser does (robfig/cron with the five standard fields). */
export function parseWindowSchedule(schedule: string): ScheduleParse {
  const text = schedule.trim();
  if (text.startsWith('@'))
    return {
      ok: false,
      message: `${JSON.stringify(schedule)} is a descriptor, which Argo CD's sync windows do not accept`,
      fix: `${FIVE_FIELDS_FIX.replace(', e.g. "0 22 * * *"', '')}, e.g. "0 0 * * *" for @daily`,
    };
  if (/^(CRON_)?TZ=/.test(text))
    return {
      ok: false,
      message: `${JSON.stringify(schedule)} sets its time zone inside the schedule`,
      fix: 'drop the TZ= prefix and set the window\'s timeZone, e.g. timeZone: "Europe/Berlin"',
    };
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    return { ok: false, message: `${JSON.stringify(schedule)} is not a cron schedule`, fix: FIVE_FIELDS_FIX };
  const fields: ParsedField[] = [];
  for (const [index, part] of parts.entries()) {
    const parsed = parseField(part, FIELDS[index]!);
    if (typeof parsed === 'string')
      return {
        ok: false,
        message: `${JSON.stringify(schedule)} is not a cron schedule: ${parsed}`,
        fix: FIVE_FIELDS_FIX,
      };
    fields.push(parsed);
  }
  const expression = fields.map(normalizeField).join(' ');
  try {
    // cron-parser refuses what can never happen (day 30 of February), which robfig would accept and
    // Argo CD then treat as always open.
    CronExpressionParser.parse(expression, { currentDate: 0, tz: 'UTC' });
  } catch (error) {
    return {
      ok: false,
      message: `${JSON.stringify(schedule)} never happens (${(error as Error).message})`,
      fix: 'check the day-of-month and month fields',
    };
  }
  return { ok: true, expression };
}

/**
 * Why `timeZone` is not an IANA zone name, or undefined when it is one. Empty means UTC (Argo CD's default).
 * Names are case-sensitive, as Go's time.LoadLocation reads them on Linux: Argo CD would fall back to UTC
 * for "europe/berlin", so Berth refuses it rather than read it differently.
 */
export function timeZoneProblem(timeZone: string): { message: string; fix: string } | undefined {
  if (timeZone === '' || timeZone === 'UTC') return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return {
      message: `${JSON.stringify(timeZone)} is not an IANA time zone`,
      fix:
        timeZone === 'Local'
          ? 'name the zone: Argo CD reads "Local" as the controller\'s own zone, e.g. "Europe/Berlin"'
          : 'use a name from the tz database, e.g. "Europe/Berlin", "America/New_York" or "UTC"',
    };
  }
  if (resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase())
    return {
      message: `${JSON.stringify(timeZone)} is not written as the tz database writes it`,
      fix: `write ${JSON.stringify(resolved)} (Argo CD would read the other spelling as UTC)`,
    };
  return undefined;
}

/** Go's time.ParseDuration of `duration`, in milliseconds, when it is a positive duration. */
export function windowDurationMs(duration: string): number | undefined {
  const ms = parseDuration(duration);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/** Where `now` stands in one window: inside an opening of it, or outside; `invalid` when it cannot be read. */
export type WindowOccurrence =
  /**
   * `openedAt`: the start of the opening that holds `now`; `closesAt`: when the window closes, after the
   * openings that overlap or touch it (absent when it stays open past a week or 30 more openings, e.g.
   * every day for 24h, or every minute for 1h).
   */
  | { state: 'active'; openedAt: Date; closesAt?: Date }
  | { state: 'inactive'; opensAt: Date }
  | { state: 'invalid'; problem: string };

/** How far `closesAt` follows openings that overlap or touch (each costs a cron step, about a millisecond). */
const OPENINGS_FOLLOWED = 30;
const FOLLOWED_FOR_MS = 7 * 24 * 3600_000;

/**
 * Argo CD's SyncWindow.active: the window is open at `now` when the schedule named a start in
 * (now - duration, now], i.e. some opening [start, start + duration) holds `now`: the first start after
 * now - duration tells (it is the earliest opening that can still hold `now`).
 */
export function windowOccurrence(window: SyncWindow, now: Date): WindowOccurrence {
  const schedule = parseWindowSchedule(window.schedule);
  if (!schedule.ok) return { state: 'invalid', problem: `schedule: ${schedule.message}` };
  const durationMs = windowDurationMs(window.duration);
  if (durationMs === undefined)
    return { state: 'invalid', problem: `duration: ${JSON.stringify(window.duration)} is not a duration` };
  const timeZone = window.timeZone ?? '';
  const zoneProblem = timeZoneProblem(timeZone);
  if (zoneProblem) return { state: 'invalid', problem: `timeZone: ${zoneProblem.message}` };
  try {
    const starts = CronExpressionParser.parse(schedule.expression, {
      currentDate: new Date(now.getTime() - durationMs),
      tz: timeZone === '' ? 'UTC' : timeZone,
    });
    const openedAt = starts.next().toDate();
    if (openedAt.getTime() > now.getTime()) return { state: 'inactive', opensAt: openedAt };
    let closes = openedAt.getTime() + durationMs;
    for (let followed = 0; followed < OPENINGS_FOLLOWED; followed++) {
      const start = starts.next().getTime();
      if (start > closes) return { state: 'active', openedAt, closesAt: new Date(closes) };
      if (start > now.getTime() + FOLLOWED_FOR_MS) break;
      closes = Math.max(closes, start + durationMs);
    }
    return { state: 'active', openedAt };
  } catch (error) {
    return { state: 'invalid', problem: `schedule: ${(error as Error).message}` };
  }
}
