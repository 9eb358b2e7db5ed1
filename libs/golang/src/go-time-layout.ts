import { DAY_NAMES, MONTH_NAMES } from './go-calendar';
import { GoTimeParseError, timeQuote } from './go-time-parse-error';

/**
 * Go's reference-time layouts (time/format.go): one chunker (`nextStdChunk`) drives both formatting and parsing,
 * ported element by element so that `Format` and `Parse` agree with Go on every layout, not just RFC 3339.
 */

/** Go's layout constants (DateTime, DateOnly and TimeOnly arrived in Go 1.20). */
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

/** A layout element: the reference-time text it stands for, or a fractional second. */
type Std =
  { kind: 'elem'; elem: string } | { kind: 'frac'; nines: boolean; digits: number; separator: string };

interface Chunk {
  prefix: string;
  std?: Std;
  /** the layout text of `std` */
  stdText: string;
  suffix: string;
}

const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** Go's nextStdChunk: the literal text before the first layout element, the element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  const elem = (i: number, length: number, literal = 0): Chunk => ({
    prefix: layout.slice(0, i + literal),
    std: { kind: 'elem', elem: layout.slice(i + literal, i + length) },
    stdText: layout.slice(i + literal, i + length),
    suffix: layout.slice(i + length),
  });
  const at = (i: number, s: string): boolean => layout.startsWith(s, i);
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (at(i, 'Jan')) {
          if (at(i, 'January')) return elem(i, 7);
          if (!/^[a-z]/.test(layout.slice(i + 3))) return elem(i, 3);
        }
        break;
      case 'M':
        if (at(i, 'Mon')) {
          if (at(i, 'Monday')) return elem(i, 6);
          if (!/^[a-z]/.test(layout.slice(i + 3))) return elem(i, 3);
        }
        if (at(i, 'MST')) return elem(i, 3);
        break;
      case '0':
        if (i + 1 < layout.length && layout[i + 1]! >= '1' && layout[i + 1]! <= '6') return elem(i, 2);
        if (at(i, '002')) return elem(i, 3);
        break;
      case '1':
        return at(i, '15') ? elem(i, 2) : elem(i, 1);
      case '2':
        return at(i, '2006') ? elem(i, 4) : elem(i, 1);
      case '_':
        if (layout[i + 1] === '2') {
          // "_2006" is a literal "_" followed by the year
          if (at(i + 1, '2006')) return elem(i, 5, 1);
          return elem(i, 2);
        }
        if (at(i, '__2')) return elem(i, 3);
        break;
      case '3':
      case '4':
      case '5':
        return elem(i, 1);
      case 'P':
        if (layout[i + 1] === 'M') return elem(i, 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return elem(i, 2);
        break;
      case '-':
      case 'Z':
        for (const zone of ['070000', '07:00:00', '0700', '07:00', '07']) {
          if (at(i + 1, zone)) return elem(i, 1 + zone.length);
        }
        break;
      case '.':
      case ',': {
        const digit = layout[i + 1];
        if (digit === '0' || digit === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === digit) j++;
          // only a run of the same digit that ends here is a fractional second
          if (!isDigitAt(layout, j)) {
            return {
              prefix: layout.slice(0, i),
              std: { kind: 'frac', nines: digit === '9', digits: j - (i + 1), separator: c },
              stdText: layout.slice(i, j),
              suffix: layout.slice(j),
            };
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return { prefix: layout, stdText: '', suffix: '' };
}

/** The wall clock of an instant in its zone: what a layout prints. */
export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** 0 = Sunday */
  weekday: number;
  /** 1-366 */
  yday: number;
  /** seconds east of UTC */
  offset: number;
  /** zone abbreviation; "" prints as -0700 */
  abbreviation: string;
}

function appendInt(x: number, width: number): string {
  const digits = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? '-' + digits : digits;
}

function formatZone(elem: string, offset: number): string {
  const iso = elem.startsWith('Z');
  if (iso && offset === 0) return 'Z';
  const shape = elem.slice(1);
  const minutes = Math.trunc(offset / 60);
  const abs = Math.abs(minutes);
  let out = (minutes < 0 ? '-' : '+') + appendInt(Math.floor(abs / 60), 2);
  if (shape === '07') return out;
  const colon = shape.includes(':');
  out += (colon ? ':' : '') + appendInt(abs % 60, 2);
  if (shape === '070000' || shape === '07:00:00')
    out += (colon ? ':' : '') + appendInt(Math.abs(offset) % 60, 2);
  return out;
}

/** Go's formatNano: `.000` always prints its digits, `.999` drops trailing zeros (and itself when all are zero). */
function formatFraction(nanosecond: number, std: Extract<Std, { kind: 'frac' }>): string {
  let digits = String(nanosecond).padStart(9, '0').slice(0, Math.min(std.digits, 9));
  if (std.nines) {
    digits = digits.replace(/0+$/, '');
    if (digits === '') return '';
  }
  return std.separator + digits;
}

/** Time.Format: the wall clock written in a Go layout. */
export function formatLayout(w: WallClock, layout: string): string {
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const { prefix, std, suffix } = nextStdChunk(rest);
    out += prefix;
    if (!std) break;
    rest = suffix;
    if (std.kind === 'frac') {
      out += formatFraction(w.nanosecond, std);
      continue;
    }
    const hour12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
    switch (std.elem) {
      case '06':
        out += appendInt(Math.abs(w.year) % 100, 2);
        break;
      case '2006':
        out += appendInt(w.year, 4);
        break;
      case 'Jan':
        out += MONTH_NAMES[w.month - 1]!.slice(0, 3);
        break;
      case 'January':
        out += MONTH_NAMES[w.month - 1]!;
        break;
      case '1':
        out += appendInt(w.month, 0);
        break;
      case '01':
        out += appendInt(w.month, 2);
        break;
      case 'Mon':
        out += DAY_NAMES[w.weekday]!.slice(0, 3);
        break;
      case 'Monday':
        out += DAY_NAMES[w.weekday]!;
        break;
      case '2':
        out += appendInt(w.day, 0);
        break;
      case '_2':
        out += (w.day < 10 ? ' ' : '') + appendInt(w.day, 0);
        break;
      case '02':
        out += appendInt(w.day, 2);
        break;
      case '__2':
        out += (w.yday < 100 ? (w.yday < 10 ? '  ' : ' ') : '') + appendInt(w.yday, 0);
        break;
      case '002':
        out += appendInt(w.yday, 3);
        break;
      case '15':
        out += appendInt(w.hour, 2);
        break;
      case '3':
        out += appendInt(hour12, 0);
        break;
      case '03':
        out += appendInt(hour12, 2);
        break;
      case '4':
        out += appendInt(w.minute, 0);
        break;
      case '04':
        out += appendInt(w.minute, 2);
        break;
      case '5':
        out += appendInt(w.second, 0);
        break;
      case '05':
        out += appendInt(w.second, 2);
        break;
      case 'PM':
        out += w.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += w.hour >= 12 ? 'pm' : 'am';
        break;
      case 'MST':
        // A zone without a name prints as -0700.
        out += w.abbreviation !== '' ? w.abbreviation : formatZone('-0700', w.offset);
        break;
      default:
        out += formatZone(std.elem, w.offset);
    }
  }
  return out;
}

/** What time.Parse read from a value, before the zone is resolved into an instant. */
export interface ParsedLayout {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** "Z" or "UTC" was read: the time is in UTC */
  utc: boolean;
  /** a numeric offset was read (seconds east of UTC) */
  zoneOffset?: number;
  /** a zone abbreviation was read */
  zoneName?: string;
}

const SHORT_MONTHS = MONTH_NAMES.map((m) => m.slice(0, 3));
const SHORT_DAYS = DAY_NAMES.map((d) => d.slice(0, 3));
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

class Bad extends Error {}

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new Bad();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new Bad();
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Go's getnum3: one to three digits (exactly three when `fixed`). */
function getnum3(s: string, fixed: boolean): [number, string] {
  let i = 0;
  while (i < 3 && isDigitAt(s, i)) i++;
  if (i === 0 || (fixed && i !== 3)) throw new Bad();
  return [Number(s.slice(0, i)), s.slice(i)];
}

/** Go's atoi: optional sign, then digits only. */
function atoi(s: string): number {
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (!m) throw new Bad();
  return (m[1] === '-' ? -1 : 1) * Number(m[2]);
}

/** Go's lookup: a case-insensitive prefix match against a table of names. */
function lookup(table: readonly string[], value: string): [number, string] {
  const i = table.findIndex(
    (name) => value.length >= name.length && value.slice(0, name.length).toLowerCase() === name.toLowerCase(),
  );
  if (i < 0) throw new Bad();
  return [i, value.slice(table[i]!.length)];
}

/** Go's skip: consumes the literal prefix (a space matches any run of spaces); `ok` is false where it stops matching. */
function skip(value: string, prefix: string): { rest: string; ok: boolean } {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return { rest: value, ok: false };
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return { rest: value, ok: false };
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return { rest: value, ok: true };
}

/** Go's parseNanoseconds: a separator and up to nine significant digits. */
function parseNanoseconds(value: string, nbytes: number): number {
  if (value[0] !== '.' && value[0] !== ',') throw new Bad();
  const n = Math.min(nbytes, 10);
  return atoi(value.slice(1, n)) * 10 ** (10 - n);
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of value (0 when there is none). */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  const upper = /^[A-Z]{0,6}/.exec(value)![0].length;
  if (upper === 5 && value[4] === 'T') return 5;
  if (upper === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (upper === 3) return 3;
  return 0;
}

function parseSignedOffset(value: string): number {
  const m = /^[+-]([0-9]+)/.exec(value);
  if (!m || Number(m[1]) > 23) return 0;
  return m[0].length;
}

/** Go's parse, up to (not including) turning the fields into an instant; throws GoTimeParseError with Go's message. */
export function parseLayout(layout: string, value: string): ParsedLayout {
  const fullLayout = layout;
  const fullValue = value;
  const failed = (layoutElem: string, valueElem: string, detail = ''): GoTimeParseError =>
    new GoTimeParseError(fullLayout, fullValue, layoutElem, valueElem, detail);
  const p: ParsedLayout = {
    year: 0,
    month: -1,
    day: -1,
    hour: 0,
    minute: 0,
    second: 0,
    nanosecond: 0,
    utc: false,
  };
  let yday = -1;
  let amSet = false;
  let pmSet = false;
  for (;;) {
    const { prefix, std, stdText, suffix } = nextStdChunk(layout);
    const skipped = skip(value, prefix);
    value = skipped.rest;
    if (!skipped.ok) throw failed(prefix, value);
    if (!std) {
      if (value.length !== 0) throw failed('', value, ': extra text: ' + timeQuote(value));
      break;
    }
    layout = suffix;
    let range = '';
    try {
      if (std.kind === 'frac') {
        if (!std.nines) {
          const ndigit = 1 + std.digits;
          if (value.length < ndigit) throw new Bad();
          const fraction = value;
          value = value.slice(ndigit);
          p.nanosecond = parseNanoseconds(fraction, ndigit);
        } else if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
          // Take any number of digits, even more than asked for, as the seconds element would.
          let i = 0;
          while (i < 9 && isDigitAt(value, i + 1)) i++;
          const fraction = value;
          value = value.slice(1 + i);
          p.nanosecond = parseNanoseconds(fraction, 1 + i);
        }
      } else {
        switch (std.elem) {
          case '06': {
            if (value.length < 2) throw new Bad();
            const y = atoi(value.slice(0, 2));
            value = value.slice(2);
            p.year = y >= 69 ? y + 1900 : y + 2000;
            break;
          }
          case '2006': {
            if (value.length < 4 || !isDigitAt(value, 0)) throw new Bad();
            const digits = value.slice(0, 4);
            value = value.slice(4);
            p.year = atoi(digits);
            break;
          }
          case 'Jan':
            [p.month, value] = lookup(SHORT_MONTHS, value);
            p.month++;
            break;
          case 'January':
            [p.month, value] = lookup(MONTH_NAMES, value);
            p.month++;
            break;
          case '1':
          case '01':
            [p.month, value] = getnum(value, std.elem === '01');
            if (p.month <= 0 || p.month > 12) range = 'month';
            break;
          case 'Mon':
            [, value] = lookup(SHORT_DAYS, value);
            break;
          case 'Monday':
            [, value] = lookup(DAY_NAMES, value);
            break;
          case '2':
          case '_2':
          case '02':
            if (std.elem === '_2' && value[0] === ' ') value = value.slice(1);
            [p.day, value] = getnum(value, std.elem === '02');
            break;
          case '__2':
          case '002':
            if (std.elem === '__2') value = value.replace(/^ {1,2}/, '');
            [yday, value] = getnum3(value, std.elem === '002');
            break;
          case '15':
            [p.hour, value] = getnum(value, false);
            if (p.hour < 0 || p.hour >= 24) range = 'hour';
            break;
          case '3':
          case '03':
            [p.hour, value] = getnum(value, std.elem === '03');
            if (p.hour < 0 || p.hour > 12) range = 'hour';
            break;
          case '4':
          case '04':
            [p.minute, value] = getnum(value, std.elem === '04');
            if (p.minute < 0 || p.minute >= 60) range = 'minute';
            break;
          case '5':
          case '05': {
            [p.second, value] = getnum(value, std.elem === '05');
            if (p.second < 0 || p.second >= 60) {
              range = 'second';
              break;
            }
            // A fractional second in the value that the layout does not mention is accepted.
            if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
              if (nextStdChunk(layout).std?.kind === 'frac') break;
              let n = 2;
              while (isDigitAt(value, n)) n++;
              const fraction = value;
              value = value.slice(n);
              p.nanosecond = parseNanoseconds(fraction, n);
            }
            break;
          }
          case 'PM':
          case 'pm': {
            if (value.length < 2) throw new Bad();
            const marker = value.slice(0, 2);
            value = value.slice(2);
            const [pm, am] = std.elem === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
            if (marker === pm) pmSet = true;
            else if (marker === am) amSet = true;
            else throw new Bad();
            break;
          }
          case 'MST': {
            if (value.startsWith('UTC')) {
              p.utc = true;
              value = value.slice(3);
              break;
            }
            const n = parseTimeZone(value);
            if (n === 0) throw new Bad();
            p.zoneName = value.slice(0, n);
            value = value.slice(n);
            break;
          }
          default: {
            if ((std.elem === 'Z0700' || std.elem === 'Z07' || std.elem === 'Z07:00') && value[0] === 'Z') {
              p.utc = true;
              value = value.slice(1);
              break;
            }
            const [sign, hh, mm, ss, rest] = splitZoneOffset(std.elem.slice(1), value);
            value = rest;
            const offset = (atoi(hh) * 60 + atoi(mm)) * 60 + atoi(ss);
            if (sign !== '+' && sign !== '-') throw new Bad();
            p.zoneOffset = sign === '-' ? -offset : offset;
          }
        }
      }
    } catch (err) {
      if (!(err instanceof Bad)) throw err;
      // Go 1.19 reports the value as the element left it (usually untouched, past it when digits were bad).
      throw failed(stdText, value);
    }
    if (range !== '') throw failed(stdText, value, `: ${range} out of range`);
  }
  if (pmSet && p.hour < 12) p.hour += 12;
  else if (amSet && p.hour === 12) p.hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    const leap = p.year % 4 === 0 && (p.year % 100 !== 0 || p.year % 400 === 0);
    if (leap) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw failed('', value, ': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (DAYS_BEFORE[m]! < yday) m++;
      d = yday - DAYS_BEFORE[m - 1]!;
    }
    if (p.month >= 0 && p.month !== m) throw failed('', value, ': day-of-year does not match month');
    p.month = m;
    if (p.day >= 0 && p.day !== d) throw failed('', value, ': day-of-year does not match day');
    p.day = d;
  } else {
    if (p.month < 0) p.month = 1;
    if (p.day < 0) p.day = 1;
  }
  const leap = p.year % 4 === 0 && (p.year % 100 !== 0 || p.year % 400 === 0);
  const daysIn = p.month === 2 ? (leap ? 29 : 28) : DAYS_BEFORE[p.month]! - DAYS_BEFORE[p.month - 1]!;
  if (p.day < 1 || p.day > daysIn) throw failed('', value, ': day out of range');
  return p;
}

/** The parts of a numeric zone (-0700, -07:00, -07, -070000, -07:00:00): sign, hours, minutes, seconds, rest. */
function splitZoneOffset(shape: string, value: string): [string, string, string, string, string] {
  const sign = value.slice(0, 1);
  switch (shape) {
    case '07:00':
      if (value.length < 6 || value[3] !== ':') throw new Bad();
      return [sign, value.slice(1, 3), value.slice(4, 6), '00', value.slice(6)];
    case '07':
      if (value.length < 3) throw new Bad();
      return [sign, value.slice(1, 3), '00', '00', value.slice(3)];
    case '07:00:00':
      if (value.length < 9 || value[3] !== ':' || value[6] !== ':') throw new Bad();
      return [sign, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9), value.slice(9)];
    case '070000':
      if (value.length < 7) throw new Bad();
      return [sign, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7), value.slice(7)];
    default:
      if (value.length < 5) throw new Bad();
      return [sign, value.slice(1, 3), value.slice(3, 5), '00', value.slice(5)];
  }
}
