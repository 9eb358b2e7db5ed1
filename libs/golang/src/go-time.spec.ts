import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoDuration, parseGoDuration } from './go-duration';
import { formatValue } from './go-fmt';
import { GoLocation } from './go-location';
import { callGoMethod, goMethodParams } from './go-method';
import { GoTime, parseGoTime, parseRfc3339 } from './go-time';

/** Layouts, parsing, durations and methods against Go's time package (tools/go-oracle, Go 1.19). */
interface GoldenCase {
  name: string;
  kind: 'format' | 'parse' | 'duration' | 'method';
  time?: string;
  location?: string;
  layout?: string;
  value?: string;
  method?: string;
  args?: string[];
  output: string;
  error?: string;
}

const golden = JSON.parse(
  readFileSync(join(process.cwd(), 'libs/golang/testdata/go-time.golden.json'), 'utf8'),
) as GoldenCase[];

/**
 * Known divergences (README): durations are JS numbers, exact only up to 2^53 ns (about 104 days), so int64
 * extremes lose their last digits; zone abbreviations come from Intl, which has none for old dates (Go: LMT, EDT
 * in 1969).
 */
const knownDivergences = new Set([
  'format/zero/America/New_York/UnixDate',
  'format/moon/America/New_York/UnixDate',
  'duration/2562047h47m16.854775807s',
  'duration/-2562047h47m16.854775808s',
  'duration/9223372036854775807ns',
]);

function location(spec: string): GoLocation {
  if (spec.startsWith('fixed:')) {
    const [, name = '', offset = '0'] = spec.split(':');
    return GoLocation.fixed(name, Number(offset));
  }
  return GoLocation.load(spec);
}

function describeTime(t: GoTime): string {
  return `${t.String()} loc=${t.Location().String()}`;
}

function arg(text: string, type: string): unknown {
  switch (type) {
    case 'time.Duration':
      return parseGoDuration(text);
    case 'time.Time':
      return parseRfc3339(text);
    case '*time.Location':
      return location(text);
    case 'string':
      return text;
    default:
      return Number(text);
  }
}

function run(c: GoldenCase): string {
  switch (c.kind) {
    case 'format':
      return parseGoTime('2006-01-02T15:04:05.999999999Z07:00', c.time!)
        .In(location(c.location!))
        .Format(c.layout!);
    case 'parse':
      return describeTime(
        parseGoTime(c.layout!, c.value ?? '', c.location ? location(c.location) : undefined),
      );
    case 'duration': {
      const d = parseGoDuration(c.value ?? '');
      return `${d.nanoseconds} ${d.String()}`;
    }
    case 'method': {
      const receiver = c.time
        ? parseRfc3339(c.time).In(location(c.location!))
        : parseGoDuration(c.value ?? '');
      const params = goMethodParams(receiver, c.method!);
      if (!params) throw new Error(`no method ${c.method}`);
      const out = callGoMethod(
        receiver,
        c.method!,
        (c.args ?? []).map((a, i) => arg(a, params[i] ?? 'int')),
      );
      return out instanceof GoTime ? describeTime(out) : formatValue(out);
    }
  }
}

describe("Go's time package", () => {
  it.each(golden.filter((c) => !knownDivergences.has(c.name)).map((c) => [c.name, c] as const))(
    '%s',
    (_name, c) => {
      if (c.error === undefined) {
        expect(run(c)).toBe(c.output);
        return;
      }
      expect(() => run(c)).toThrow(c.error);
    },
  );
});

describe('GoTime', () => {
  it('the zero time is 0001-01-01 (Date.UTC would say 1901) and IsZero', () => {
    expect(GoTime.zero().String()).toBe('0001-01-01 00:00:00 +0000 UTC');
    expect(GoTime.zero().IsZero()).toBe(true);
    expect(parseRfc3339('1901-01-01T00:00:00Z').IsZero()).toBe(false);
  });

  it('time.Date normalizes overflowing fields as Go does', () => {
    expect(GoTime.date(2024, 13, 32, 25, 61, 61, 1_000_000_001, GoLocation.UTC).String()).toBe(
      '2025-02-02 02:02:02.000000001 +0000 UTC',
    );
    expect(GoTime.date(2024, 3, 0, 0, 0, 0, 0, GoLocation.UTC).Format('2006-01-02')).toBe('2024-02-29');
  });

  it('Go method sets: exported methods only, never a JavaScript member', () => {
    const t = parseRfc3339('2024-03-01T00:00:00Z');
    expect(goMethodParams(t, 'Format')).toEqual(['string']);
    expect(goMethodParams(t, 'wallClock')).toBeUndefined();
    expect(goMethodParams(t, 'constructor')).toBeUndefined();
    expect(goMethodParams(t, 'toString')).toBeUndefined();
    expect(goMethodParams(new GoDuration(1), 'Add')).toBeUndefined();
  });
});
