/**
 * The Go `time.Time` / `time.Duration` values that Argo CD exposes to triggers as `time.*`,
 * with the methods catalog and user triggers call (`.Add(1 * time.Minute).Before(...)`, `.Sub(t).Minutes()`).
 * Times keep millisecond precision: Argo CD timestamps are RFC 3339 with whole seconds.
 */
export class GoDuration {
  /** Nanoseconds, like Go's int64 Duration. */
  constructor(readonly nanos: number) {}

  Hours(): number {
    return this.nanos / 3.6e12;
  }
  Minutes(): number {
    return this.nanos / 6e10;
  }
  Seconds(): number {
    return this.nanos / 1e9;
  }
  Milliseconds(): number {
    return Math.trunc(this.nanos / 1e6);
  }
  Nanoseconds(): number {
    return this.nanos;
  }
  String(): string {
    return formatGoDuration(this.nanos);
  }
}

export class GoTime {
  constructor(readonly epochMs: number) {}

  Add(d: GoDuration): GoTime {
    return new GoTime(this.epochMs + d.nanos / 1e6);
  }
  Sub(t: GoTime): GoDuration {
    return new GoDuration((this.epochMs - t.epochMs) * 1e6);
  }
  Before(t: GoTime): boolean {
    return this.epochMs < t.epochMs;
  }
  After(t: GoTime): boolean {
    return this.epochMs > t.epochMs;
  }
  Equal(t: GoTime): boolean {
    return this.epochMs === t.epochMs;
  }
  IsZero(): boolean {
    return this.epochMs === GO_ZERO_TIME_MS;
  }
  Unix(): number {
    return Math.floor(this.epochMs / 1000);
  }
  UnixMilli(): number {
    return Math.floor(this.epochMs);
  }
  UTC(): GoTime {
    return this;
  }
  Local(): GoTime {
    return this;
  }
  String(): string {
    const iso = new Date(this.epochMs).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
  }
}

/** Go's zero time (0001-01-01T00:00:00Z). */
const GO_ZERO_TIME_MS = new Date('0001-01-01T00:00:00Z').getTime();

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Go `time.Parse(time.RFC3339, s)`; returns undefined when `s` is not RFC 3339. */
export function parseRfc3339(s: string): GoTime | undefined {
  if (!RFC3339.test(s)) return undefined;
  const ms = Date.parse(s.toUpperCase());
  return Number.isNaN(ms) ? undefined : new GoTime(ms);
}

/** Go's Duration.String(): `1h2m3.5s`, `1m0s`, `500ms`, `0s`. */
export function formatGoDuration(nanos: number): string {
  if (nanos === 0) return '0s';
  const sign = nanos < 0 ? '-' : '';
  const abs = Math.abs(nanos);
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${trimFloat(abs / 1e3)}µs`;
  if (abs < 1e9) return `${sign}${trimFloat(abs / 1e6)}ms`;
  const hours = Math.floor(abs / 3.6e12);
  const minutes = Math.floor((abs % 3.6e12) / 6e10);
  const seconds = (abs % 6e10) / 1e9;
  let out = sign;
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  return `${out}${trimFloat(seconds)}s`;
}

function trimFloat(n: number): string {
  return String(Number(n.toFixed(9)));
}

export const NANOS = {
  Nanosecond: 1,
  Microsecond: 1e3,
  Millisecond: 1e6,
  Second: 1e9,
  Minute: 6e10,
  Hour: 3.6e12,
} as const;
