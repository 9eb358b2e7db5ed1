/** Go's time.Time and time.Duration for templates: layout formatting (`2006-01-02T15:04:05Z07:00`), RFC 3339 parsing. */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export const GO_LAYOUTS = {
  Layout: "01/02 03:04:05PM '06 -0700",
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
  DateTime: '2006-01-02 15:04:05',
  DateOnly: '2006-01-02',
  TimeOnly: '15:04:05',
} as const;

/** A time zone: UTC, a fixed offset, or an IANA zone resolved through Intl. */
export class GoLocation {
  private constructor(
    readonly name: string,
    private readonly fixedOffsetSeconds: number | undefined,
  ) {}

  static readonly UTC = new GoLocation('UTC', 0);

  static fixed(name: string, offsetSeconds: number): GoLocation {
    return new GoLocation(name, offsetSeconds);
  }

  /** Throws on an unknown zone name, like time.LoadLocation. */
  static load(name: string): GoLocation {
    if (name === '' || name === 'UTC') return GoLocation.UTC;
    if (name === 'Local') return GoLocation.local();
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return new GoLocation(name, undefined);
  }

  /** The process zone (Argo CD runs in UTC containers; so does a TZ-less Node). */
  static local(): GoLocation {
    const tz = process.env['TZ'] ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    return !tz || tz === 'UTC' || tz === 'Etc/UTC'
      ? GoLocation.fixed('Local', 0)
      : new GoLocation(tz, undefined);
  }

  /** Offset east of UTC in seconds and the zone abbreviation at an instant. */
  zoneAt(unixMs: number): { offset: number; abbreviation: string } {
    if (this.fixedOffsetSeconds !== undefined) {
      const abbreviation =
        this.name === 'Local' || this.name === ''
          ? this.fixedOffsetSeconds === 0
            ? 'UTC'
            : offsetName(this.fixedOffsetSeconds)
          : this.name;
      return { offset: this.fixedOffsetSeconds, abbreviation };
    }
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: this.name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    }).formatToParts(new Date(unixMs));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
    const asUtc = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    const offset = Math.round((asUtc - Math.floor(unixMs / 1000) * 1000) / 1000);
    let abbreviation = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (/^GMT[+-]/.test(abbreviation) || (abbreviation === 'GMT' && offset !== 0))
      abbreviation = offsetName(offset);
    if (abbreviation === 'GMT' && this.name === 'UTC') abbreviation = 'UTC';
    return { offset, abbreviation };
  }
}

function offsetName(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  return sign + h + String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
}

const NS_PER_MS = 1_000_000;

/** time.Duration (int64 nanoseconds, kept as a number: exact below ~104 days of nanoseconds). */
export class GoDuration {
  readonly goTypeName = 'time.Duration';
  constructor(readonly nanoseconds: number) {}

  Hours(): number {
    return this.nanoseconds / 3.6e12;
  }
  Minutes(): number {
    return this.nanoseconds / 6e10;
  }
  Seconds(): number {
    return this.nanoseconds / 1e9;
  }
  Milliseconds(): number {
    return Math.trunc(this.nanoseconds / 1e6);
  }
  Round(m: GoDuration | number): GoDuration {
    const unit = typeof m === 'number' ? m : m.nanoseconds;
    if (unit <= 0) return this;
    return new GoDuration(Math.round(this.nanoseconds / unit) * unit);
  }
  Truncate(m: GoDuration | number): GoDuration {
    const unit = typeof m === 'number' ? m : m.nanoseconds;
    if (unit <= 0) return this;
    return new GoDuration(Math.trunc(this.nanoseconds / unit) * unit);
  }

  /** Go's Duration.String: "72h3m0.5s", "1.5s", "500ms", "0s". */
  String(): string {
    let d = this.nanoseconds;
    if (d === 0) return '0s';
    const neg = d < 0;
    d = Math.abs(d);
    const trimFraction = (v: number, digits: number): string => {
      const s = v.toFixed(digits);
      return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
    };
    let out: string;
    if (d < 1e3) out = `${d}ns`;
    else if (d < 1e6) out = `${trimFraction(d / 1e3, 3)}µs`;
    else if (d < 1e9) out = `${trimFraction(d / 1e6, 6)}ms`;
    else {
      const hours = Math.floor(d / 3.6e12);
      const minutes = Math.floor((d % 3.6e12) / 6e10);
      const seconds = trimFraction((d % 6e10) / 1e9, 9);
      out =
        hours > 0
          ? `${hours}h${minutes}m${seconds}s`
          : minutes > 0
            ? `${minutes}m${seconds}s`
            : `${seconds}s`;
    }
    return (neg ? '-' : '') + out;
  }
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 6e10,
  h: 3.6e12,
};

/** time.ParseDuration: "1h30m", "-1.5h", "300ms". */
export function parseGoDuration(s: string): GoDuration {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (s === '0') return new GoDuration(0);
  if (!m) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  let total = 0;
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (DURATION_UNITS[part[2] ?? 's'] ?? 1);
  }
  return new GoDuration(Math.round(m[1] === '-' ? -total : total));
}

/** time.Time: an instant with nanoseconds and a location. Methods are the ones templates call. */
export class GoTime {
  readonly goTypeName = 'time.Time';
  constructor(
    /** milliseconds since the epoch */
    readonly unixMs: number,
    /** nanoseconds within the millisecond (0..999999) */
    readonly extraNanos: number = 0,
    readonly loc: GoLocation = GoLocation.UTC,
  ) {}

  static fromDate(d: Date, loc: GoLocation = GoLocation.local()): GoTime {
    return new GoTime(d.getTime(), 0, loc);
  }

  private nanosecond(): number {
    return (((this.unixMs % 1000) + 1000) % 1000) * NS_PER_MS + this.extraNanos;
  }

  Format(layout: string): string {
    return formatGoTime(this, layout);
  }
  UTC(): GoTime {
    return new GoTime(this.unixMs, this.extraNanos, GoLocation.UTC);
  }
  Local(): GoTime {
    return new GoTime(this.unixMs, this.extraNanos, GoLocation.local());
  }
  In(loc: GoLocation): GoTime {
    return new GoTime(this.unixMs, this.extraNanos, loc);
  }
  Unix(): number {
    return Math.floor(this.unixMs / 1000);
  }
  UnixMilli(): number {
    return this.unixMs;
  }
  Add(d: GoDuration | number): GoTime {
    const ns = typeof d === 'number' ? d : d.nanoseconds;
    const total = this.extraNanos + ns;
    const ms = Math.floor(total / NS_PER_MS);
    return new GoTime(this.unixMs + ms, total - ms * NS_PER_MS, this.loc);
  }
  Sub(t: GoTime): GoDuration {
    return new GoDuration((this.unixMs - t.unixMs) * NS_PER_MS + (this.extraNanos - t.extraNanos));
  }
  Before(t: GoTime): boolean {
    return this.Sub(t).nanoseconds < 0;
  }
  After(t: GoTime): boolean {
    return this.Sub(t).nanoseconds > 0;
  }
  Equal(t: GoTime): boolean {
    return this.Sub(t).nanoseconds === 0;
  }
  IsZero(): boolean {
    return this.unixMs === ZERO_TIME_MS && this.extraNanos === 0;
  }
  Year(): number {
    return this.fields().year;
  }
  Day(): number {
    return this.fields().day;
  }
  Hour(): number {
    return this.fields().hour;
  }
  Minute(): number {
    return this.fields().minute;
  }
  Second(): number {
    return this.fields().second;
  }
  Nanosecond(): number {
    return this.nanosecond();
  }
  Month(): string {
    return MONTHS[this.fields().month - 1] ?? '';
  }
  Weekday(): string {
    return DAYS[this.fields().weekday] ?? '';
  }
  /** Go's Time.String: "2006-01-02 15:04:05.999999999 -0700 MST". */
  String(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }
  toJSON(): string {
    return this.Format(GO_LAYOUTS.RFC3339Nano);
  }

  /** Wall-clock fields in this time's location. */
  fields(): {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
    weekday: number;
    yday: number;
    offset: number;
    abbreviation: string;
  } {
    const { offset, abbreviation } = this.loc.zoneAt(this.unixMs);
    const d = new Date(this.unixMs + offset * 1000);
    const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
      yday: Math.floor((d.getTime() - startOfYear) / 86_400_000) + 1,
      offset,
      abbreviation,
    };
  }
}

const ZERO_TIME_MS = Date.UTC(1, 0, 1) - 0;

const LAYOUT_TOKENS = [
  'January',
  'Monday',
  '2006',
  '-07:00:00',
  'Z07:00:00',
  '-070000',
  'Z070000',
  '-07:00',
  'Z07:00',
  '-0700',
  'Z0700',
  'Jan',
  'Mon',
  'MST',
  '002',
  '__2',
  '_2',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '-07',
  'Z07',
  '15',
  'PM',
  'pm',
  '1',
  '2',
  '3',
  '4',
  '5',
];

function zone(offset: number, withZ: boolean, colon: boolean, seconds: boolean, hoursOnly: boolean): string {
  if (withZ && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  const s = String(abs % 60).padStart(2, '0');
  if (hoursOnly) return sign + h;
  return sign + h + (colon ? ':' : '') + m + (seconds ? (colon ? ':' : '') + s : '');
}

/** time.Time.Format with Go's reference-time layout. */
export function formatGoTime(t: GoTime, layout: string): string {
  const f = t.fields();
  const ns = t.Nanosecond();
  const pad2 = (n: number): string => String(n).padStart(2, '0');
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac && frac[1]) {
      const digits = frac[1].length;
      const s = String(ns).padStart(9, '0').slice(0, digits);
      if (frac[1][0] === '0') out += layout[i] + s;
      else {
        const trimmed = s.replace(/0+$/, '');
        if (trimmed) out += layout[i] + trimmed;
      }
      i += frac[0].length;
      continue;
    }
    const token = LAYOUT_TOKENS.find((tok) => layout.startsWith(tok, i));
    if (
      !token ||
      (token === 'Jan' && layout.startsWith('January', i)) ||
      (token === 'Mon' && layout.startsWith('Monday', i))
    ) {
      out += layout[i];
      i++;
      continue;
    }
    i += token.length;
    switch (token) {
      case 'January':
        out += MONTHS[f.month - 1];
        break;
      case 'Jan':
        out += (MONTHS[f.month - 1] ?? '').slice(0, 3);
        break;
      case 'Monday':
        out += DAYS[f.weekday];
        break;
      case 'Mon':
        out += (DAYS[f.weekday] ?? '').slice(0, 3);
        break;
      case 'MST':
        out += f.abbreviation;
        break;
      case '2006':
        out += String(f.year).padStart(4, '0');
        break;
      case '06':
        out += pad2(f.year % 100);
        break;
      case '01':
        out += pad2(f.month);
        break;
      case '1':
        out += String(f.month);
        break;
      case '02':
        out += pad2(f.day);
        break;
      case '_2':
        out += String(f.day).padStart(2, ' ');
        break;
      case '2':
        out += String(f.day);
        break;
      case '002':
        out += String(f.yday).padStart(3, '0');
        break;
      case '__2':
        out += String(f.yday).padStart(3, ' ');
        break;
      case '15':
        out += pad2(f.hour);
        break;
      case '03':
        out += pad2(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case '3':
        out += String(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case '04':
        out += pad2(f.minute);
        break;
      case '4':
        out += String(f.minute);
        break;
      case '05':
        out += pad2(f.second);
        break;
      case '5':
        out += String(f.second);
        break;
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case '-07:00:00':
        out += zone(f.offset, false, true, true, false);
        break;
      case 'Z07:00:00':
        out += zone(f.offset, true, true, true, false);
        break;
      case '-070000':
        out += zone(f.offset, false, false, true, false);
        break;
      case 'Z070000':
        out += zone(f.offset, true, false, true, false);
        break;
      case '-07:00':
        out += zone(f.offset, false, true, false, false);
        break;
      case 'Z07:00':
        out += zone(f.offset, true, true, false, false);
        break;
      case '-0700':
        out += zone(f.offset, false, false, false, false);
        break;
      case 'Z0700':
        out += zone(f.offset, true, false, false, false);
        break;
      case '-07':
        out += zone(f.offset, false, false, false, true);
        break;
      case 'Z07':
        out += zone(f.offset, true, false, false, true);
        break;
    }
  }
  return out;
}

/** time.Parse(time.RFC3339, s) (accepts fractional seconds, as Go does). */
export function parseRfc3339(s: string): GoTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new Error(`parsing time ${JSON.stringify(s)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  const [, y, mo, d, h, mi, se, fr = '', z = 'Z'] = m;
  const frac = fr ? fr.slice(1).padEnd(9, '0').slice(0, 9) : '000000000';
  const offset =
    z === 'Z' || z === 'z'
      ? 0
      : (z.startsWith('-') ? -1 : 1) * (Number(z.slice(1, 3)) * 3600 + Number(z.slice(4, 6)) * 60);
  const ms =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) -
    offset * 1000 +
    Number(frac.slice(0, 3));
  const loc = offset === 0 ? GoLocation.UTC : GoLocation.fixed('', offset);
  return new GoTime(ms, Number(frac.slice(3)), loc);
}
