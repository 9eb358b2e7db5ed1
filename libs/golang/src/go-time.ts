import {
  civilFromDays,
  daysFromCivil,
  MONTH_NAMES,
  DAY_NAMES,
  norm,
  SECONDS_PER_DAY,
  weekdayOfDays,
} from './go-calendar';
import { GoDuration } from './go-duration';
import { GoLocation } from './go-location';
import { formatLayout, GO_LAYOUTS, parseLayout, type WallClock } from './go-time-layout';
import { timeQuote } from './go-time-parse-error';

const NS_PER_MS = 1_000_000;
/** Go's zero time, 0001-01-01T00:00:00Z, in Unix milliseconds. */
const ZERO_TIME_MS = daysFromCivil(1, 1, 1) * SECONDS_PER_DAY * 1000;

/**
 * time.Time: an instant (Unix milliseconds + nanoseconds within the millisecond) and a location. Its methods are
 * Go's, named as in Go, so `{{ .Date.Format "2006-01-02" }}` and `time.Now().Sub(t).Minutes()` behave as in Argo CD.
 * There is no monotonic clock reading: String() never ends in "m=+0.0001".
 */
export class GoTime {
  readonly goTypeName = 'time.Time';
  constructor(
    /** milliseconds since the epoch (an integer) */
    readonly unixMs: number,
    /** nanoseconds within the millisecond (0..999999) */
    readonly extraNanos: number = 0,
    readonly loc: GoLocation = GoLocation.UTC,
  ) {}

  static fromDate(d: Date, loc: GoLocation = GoLocation.local()): GoTime {
    return new GoTime(d.getTime(), 0, loc);
  }

  /** Go's zero Time (what a failed Sprig toDate returns). */
  static zero(): GoTime {
    return new GoTime(ZERO_TIME_MS, 0, GoLocation.UTC);
  }

  /** time.Unix(sec, nsec) in a location. */
  static unix(seconds: number, nanoseconds: number, loc: GoLocation = GoLocation.local()): GoTime {
    const [sec, nsec] = norm(seconds, nanoseconds, 1e9);
    return new GoTime(sec * 1000 + Math.floor(nsec / NS_PER_MS), nsec % NS_PER_MS, loc);
  }

  /** time.Date: out-of-range fields normalize (month 13 is January of the next year, day 0 the last of the month before). */
  static date(
    year: number,
    month: number,
    day: number,
    hour: number,
    minute: number,
    second: number,
    nanosecond: number,
    loc: GoLocation,
  ): GoTime {
    const [y, m0] = norm(year, month - 1, 12);
    const [sec, nsec] = norm(second, nanosecond, 1e9);
    const wall = (daysFromCivil(y, m0 + 1, 1) + day - 1) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + sec;
    const unix = wall - loc.offsetForWall(wall);
    return new GoTime(unix * 1000 + Math.floor(nsec / NS_PER_MS), nsec % NS_PER_MS, loc);
  }

  /** Nanoseconds since Go's zero time, exactly (the base of Truncate and Round). */
  private absoluteNanos(): bigint {
    return BigInt(this.unixMs - ZERO_TIME_MS) * BigInt(NS_PER_MS) + BigInt(this.extraNanos);
  }

  private withLoc(loc: GoLocation): GoTime {
    return new GoTime(this.unixMs, this.extraNanos, loc);
  }

  /** Wall-clock fields in this time's location. */
  wallClock(): WallClock {
    const { offset, abbreviation } = this.loc.zoneAt(this.unixMs);
    const wallMs = this.unixMs + offset * 1000;
    const days = Math.floor(wallMs / 86_400_000);
    const msOfDay = wallMs - days * 86_400_000;
    const { year, month, day } = civilFromDays(days);
    return {
      year,
      month,
      day,
      hour: Math.floor(msOfDay / 3_600_000),
      minute: Math.floor(msOfDay / 60_000) % 60,
      second: Math.floor(msOfDay / 1000) % 60,
      nanosecond: this.Nanosecond(),
      weekday: weekdayOfDays(days),
      yday: days - daysFromCivil(year, 1, 1) + 1,
      offset,
      abbreviation,
    };
  }

  // --- Go's methods on time.Time (those returning one value; Clock/Date/ISOWeek/Zone return two). ---

  Format(layout: string): string {
    return formatLayout(this.wallClock(), layout);
  }
  String(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }
  GoString(): string {
    const w = this.wallClock();
    const loc =
      this.loc === GoLocation.UTC
        ? 'time.UTC'
        : this.loc.isLocal()
          ? 'time.Local'
          : `time.Location(${timeQuote(this.loc.name)})`;
    return `time.Date(${w.year}, time.${MONTH_NAMES[w.month - 1]}, ${w.day}, ${w.hour}, ${w.minute}, ${w.second}, ${w.nanosecond}, ${loc})`;
  }
  UTC(): GoTime {
    return this.withLoc(GoLocation.UTC);
  }
  Local(): GoTime {
    return this.withLoc(GoLocation.local());
  }
  In(loc: GoLocation): GoTime {
    return this.withLoc(loc);
  }
  Location(): GoLocation {
    return this.loc;
  }
  Unix(): number {
    return Math.floor(this.unixMs / 1000);
  }
  UnixMilli(): number {
    return this.unixMs;
  }
  UnixMicro(): number {
    return this.unixMs * 1000 + Math.floor(this.extraNanos / 1000);
  }
  /** Exact only below 2^53 (about 104 days after 1970): a JS number cannot hold all of Go's int64. */
  UnixNano(): number {
    return Number(BigInt(this.unixMs) * BigInt(NS_PER_MS) + BigInt(this.extraNanos));
  }
  Add(d: GoDuration): GoTime {
    const total = this.extraNanos + Math.trunc(d.nanoseconds);
    const ms = Math.floor(total / NS_PER_MS);
    return new GoTime(this.unixMs + ms, total - ms * NS_PER_MS, this.loc);
  }
  /** Adds to the wall clock and normalizes: Oct 31 + 1 month is Dec 1, as in Go. */
  AddDate(years: number, months: number, days: number): GoTime {
    const w = this.wallClock();
    return GoTime.date(
      w.year + years,
      w.month + months,
      w.day + days,
      w.hour,
      w.minute,
      w.second,
      w.nanosecond,
      this.loc,
    );
  }
  Sub(u: GoTime): GoDuration {
    return new GoDuration((this.unixMs - u.unixMs) * NS_PER_MS + (this.extraNanos - u.extraNanos));
  }
  Compare(u: GoTime): number {
    const d = this.unixMs - u.unixMs || this.extraNanos - u.extraNanos;
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  }
  Before(u: GoTime): boolean {
    return this.Compare(u) < 0;
  }
  After(u: GoTime): boolean {
    return this.Compare(u) > 0;
  }
  Equal(u: GoTime): boolean {
    return this.Compare(u) === 0;
  }
  IsZero(): boolean {
    return this.unixMs === ZERO_TIME_MS && this.extraNanos === 0;
  }
  IsDST(): boolean {
    return this.loc.isDstAt(this.unixMs);
  }
  /** Rounds down to a multiple of d since the zero time (d <= 0: unchanged). */
  Truncate(d: GoDuration): GoTime {
    if (d.nanoseconds <= 0) return this;
    return this.Add(new GoDuration(-this.remainder(d)));
  }
  /** Rounds to the nearest multiple of d since the zero time; halfway rounds up. */
  Round(d: GoDuration): GoTime {
    if (d.nanoseconds <= 0) return this;
    const r = this.remainder(d);
    return this.Add(new GoDuration(r + r < d.nanoseconds ? -r : d.nanoseconds - r));
  }
  private remainder(d: GoDuration): number {
    const m = BigInt(Math.trunc(d.nanoseconds));
    return Number(((this.absoluteNanos() % m) + m) % m);
  }
  Year(): number {
    return this.wallClock().year;
  }
  /** The month's name; Go's time.Month prints the same but is also an int (`%d`, `eq`): not modelled. */
  Month(): string {
    return MONTH_NAMES[this.wallClock().month - 1]!;
  }
  Day(): number {
    return this.wallClock().day;
  }
  /** The day's name; like Month, Go's time.Weekday is also an int. */
  Weekday(): string {
    return DAY_NAMES[this.wallClock().weekday]!;
  }
  YearDay(): number {
    return this.wallClock().yday;
  }
  Hour(): number {
    return this.wallClock().hour;
  }
  Minute(): number {
    return this.wallClock().minute;
  }
  Second(): number {
    return this.wallClock().second;
  }
  Nanosecond(): number {
    return (((this.unixMs % 1000) + 1000) % 1000) * NS_PER_MS + this.extraNanos;
  }

  /** encoding/json (Time.MarshalJSON): RFC 3339 with nanoseconds. */
  toJSON(): string {
    return this.Format(GO_LAYOUTS.RFC3339Nano);
  }
}

/**
 * time.Parse (no `loc`) or time.ParseInLocation: any Go layout. A time without zone is in `loc` (UTC for Parse); a
 * numeric offset or abbreviation that matches `loc` (Local for Parse) gives that location, another offset a fixed
 * zone. Throws GoTimeParseError with Go's message.
 */
export function parseGoTime(layout: string, value: string, loc?: GoLocation): GoTime {
  const p = parseLayout(layout, value);
  const { year, month, day, hour, minute, second, nanosecond } = p;
  if (p.utc) return GoTime.date(year, month, day, hour, minute, second, nanosecond, GoLocation.UTC);
  const local = loc ?? GoLocation.local();
  if (p.zoneOffset !== undefined) {
    const utc = GoTime.date(year, month, day, hour, minute, second, nanosecond, GoLocation.UTC);
    const t = new GoTime(utc.unixMs - p.zoneOffset * 1000, utc.extraNanos, GoLocation.UTC);
    const zone = local.zoneAt(t.unixMs);
    if (zone.offset === p.zoneOffset && (p.zoneName === undefined || zone.abbreviation === p.zoneName)) {
      return t.In(local);
    }
    return t.In(GoLocation.fixed(p.zoneName ?? '', p.zoneOffset));
  }
  if (p.zoneName !== undefined) {
    const utc = GoTime.date(year, month, day, hour, minute, second, nanosecond, GoLocation.UTC);
    const localOffset = local.offsetOfAbbreviation(p.zoneName, utc.unixMs);
    if (localOffset !== undefined) {
      return new GoTime(utc.unixMs - localOffset * 1000, utc.extraNanos, local);
    }
    // An unknown abbreviation gets offset 0, except GMT+h.
    const gmt = /^GMT([+-]\d+)$/.exec(p.zoneName);
    const offset = gmt ? Number(gmt[1]) * 3600 : 0;
    return new GoTime(utc.unixMs, utc.extraNanos, GoLocation.fixed(p.zoneName, offset));
  }
  return GoTime.date(year, month, day, hour, minute, second, nanosecond, loc ?? GoLocation.UTC);
}

/** time.Parse(time.RFC3339, s): what Argo CD's `time.Parse` does. */
export function parseRfc3339(s: string): GoTime {
  return parseGoTime(GO_LAYOUTS.RFC3339, s);
}

/** time.Time.Format as a function (Sprig's date helpers). */
export function formatGoTime(t: GoTime, layout: string): string {
  return t.Format(layout);
}
