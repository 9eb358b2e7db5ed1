import { GoFloat } from './go-value';
import { timeQuote } from './go-time-parse-error';

/** Go's duration constants, in nanoseconds. */
export const GO_DURATIONS = {
  Nanosecond: 1,
  Microsecond: 1e3,
  Millisecond: 1e6,
  Second: 1e9,
  Minute: 6e10,
  Hour: 3.6e12,
} as const;

/** A float64 result: integral values are boxed so templates print and compare them as Go float64s. */
function float64(x: number): number | GoFloat {
  return Number.isInteger(x) ? new GoFloat(x) : x;
}

/**
 * time.Duration: int64 nanoseconds, kept as a JS number (exact up to 2^53 ns, about 104 days; longer spans
 * lose nanoseconds, never seconds). Methods are Go's, with Go's names, so templates and expr call them as Go does.
 */
export class GoDuration {
  readonly goTypeName = 'time.Duration';
  constructor(readonly nanoseconds: number) {}

  Nanoseconds(): number {
    return this.nanoseconds;
  }
  Microseconds(): number {
    return Math.trunc(this.nanoseconds / 1e3);
  }
  Milliseconds(): number {
    return Math.trunc(this.nanoseconds / 1e6);
  }
  /** Go splits whole and fractional parts to stay exact: sec + nsec/1e9. */
  Seconds(): number | GoFloat {
    return float64(splitFloat(this.nanoseconds, 1e9));
  }
  Minutes(): number | GoFloat {
    return float64(splitFloat(this.nanoseconds, 6e10));
  }
  Hours(): number | GoFloat {
    return float64(splitFloat(this.nanoseconds, 3.6e12));
  }
  Abs(): GoDuration {
    return this.nanoseconds >= 0 ? this : new GoDuration(-this.nanoseconds);
  }
  /** Rounds toward zero to a multiple of m (m <= 0: unchanged). */
  Truncate(m: GoDuration): GoDuration {
    const unit = m.nanoseconds;
    if (unit <= 0) return this;
    return new GoDuration(this.nanoseconds - (this.nanoseconds % unit));
  }
  /** Rounds to the nearest multiple of m; halfway values round away from zero. */
  Round(m: GoDuration): GoDuration {
    const unit = m.nanoseconds;
    if (unit <= 0) return this;
    const d = this.nanoseconds;
    const r = Math.abs(d % unit);
    if (r + r < unit) return new GoDuration(d < 0 ? d + r : d - r);
    return new GoDuration(d < 0 ? d - unit + r : d + unit - r);
  }

  /** Go's Duration.String: "72h3m0.5s", "1.5s", "500ms", "1µs", "0s". */
  String(): string {
    return formatGoDuration(this.nanoseconds);
  }
}

function splitFloat(ns: number, unit: number): number {
  const whole = Math.trunc(ns / unit);
  return whole + (ns - whole * unit) / unit;
}

/** Go's fmtFrac: the fraction of v / 10^prec without trailing zeros (and without "." when it is zero). */
function fraction(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print ||= digit !== 0n;
    if (print) digits = String(digit) + digits;
    v /= 10n;
  }
  return [print ? '.' + digits : '', v];
}

export function formatGoDuration(nanoseconds: number): string {
  let u = BigInt(Math.trunc(nanoseconds));
  const neg = u < 0n;
  if (neg) u = -u;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    const [prec, unit] = u < 1000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const [frac, whole] = fraction(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, seconds] = fraction(u, 9);
    out = `${seconds % 60n}${frac}s`;
    const minutes = seconds / 60n;
    if (minutes > 0n) {
      out = `${minutes % 60n}m${out}`;
      const hours = minutes / 60n;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return (neg ? '-' : '') + out;
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_INT64 = (1n << 63n) - 1n;

/** time.ParseDuration ("1h30m", "-1.5h", "300ms"), with Go's error messages. */
export function parseGoDuration(text: string): GoDuration {
  const invalid = (): Error => new Error(`time: invalid duration ${timeQuote(text)}`);
  let s = text;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return new GoDuration(0);
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) throw invalid();
    const whole = /^[0-9]*/.exec(s)![0];
    s = s.slice(whole.length);
    let fractionDigits = '';
    if (s.startsWith('.')) {
      fractionDigits = /^[0-9]*/.exec(s.slice(1))![0];
      s = s.slice(1 + fractionDigits.length);
    }
    if (whole === '' && fractionDigits === '') throw invalid();
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') throw new Error(`time: missing unit in duration ${timeQuote(text)}`);
    s = s.slice(unitText.length);
    const unit = UNITS[unitText];
    if (unit === undefined) {
      throw new Error(`time: unknown unit ${timeQuote(unitText)} in duration ${timeQuote(text)}`);
    }
    let v = BigInt(whole || '0');
    if (v > (1n << 63n) / unit) throw invalid();
    v *= unit;
    if (fractionDigits !== '') {
      // Go keeps at most the digits that fit in an int64 and scales in float64.
      const kept = fractionDigits.slice(0, 18);
      const f = Number(kept);
      if (f > 0) v += BigInt(Math.trunc(f * (Number(unit) / 10 ** kept.length)));
    }
    total += v;
    if (total > 1n << 63n) throw invalid();
  }
  if (!neg && total > MAX_INT64) throw invalid();
  return new GoDuration(Number(neg ? -total : total));
}
