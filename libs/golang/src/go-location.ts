/**
 * Go's *time.Location: UTC, a fixed zone (time.FixedZone, what time.Parse makes of a numeric offset), or an
 * IANA zone whose offsets and abbreviations come from Intl (Go reads tzdata: abbreviations can differ, e.g.
 * Intl has none for Asia/Shanghai, so it prints `+0800` where Go prints `CST`).
 */
export class GoLocation {
  readonly goTypeName = '*time.Location';

  private constructor(
    /** What Location.String() returns: "UTC", "Local", the FixedZone name, or the IANA name. */
    readonly name: string,
    private readonly fixedOffsetSeconds: number | undefined,
    /** The IANA zone behind `name` (differs for Local). */
    private readonly ianaZone: string | undefined,
  ) {}

  static readonly UTC = new GoLocation('UTC', 0, undefined);

  /** time.FixedZone: a zone that always has this name (its abbreviation) and offset east of UTC. */
  static fixed(name: string, offsetSeconds: number): GoLocation {
    return new GoLocation(name, offsetSeconds, undefined);
  }

  /** time.LoadLocation: "" and "UTC" are UTC, "Local" the process zone; an unknown name throws, as Go errors. */
  static load(name: string): GoLocation {
    if (name === '' || name === 'UTC') return GoLocation.UTC;
    if (name === 'Local') return GoLocation.local();
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
    } catch {
      throw new Error(`unknown time zone ${name}`);
    }
    return new GoLocation(name, undefined, name);
  }

  /**
   * time.Local: the process zone from TZ (unset or "" is UTC here, like an Argo CD container without
   * /etc/localtime). It is named "Local" as in Go; in UTC its abbreviation is "UTC".
   */
  static local(): GoLocation {
    const tz = process.env['TZ'] || Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return LOCAL_UTC;
    return new GoLocation('Local', undefined, tz);
  }

  /** Location.String() */
  String(): string {
    return this.name;
  }

  isLocal(): boolean {
    return this.name === 'Local';
  }

  /** Offset east of UTC in seconds and the zone abbreviation in effect at an instant ("" for a nameless fixed zone). */
  zoneAt(unixMs: number): { offset: number; abbreviation: string } {
    if (this.fixedOffsetSeconds !== undefined) {
      return {
        offset: this.fixedOffsetSeconds,
        abbreviation: this === LOCAL_UTC ? 'UTC' : this.name,
      };
    }
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: this.ianaZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
      timeZoneName: 'short',
    }).formatToParts(new Date(unixMs));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
    const bc = parts.find((p) => p.type === 'era')?.value === 'BC';
    const wall = new Date(0);
    wall.setUTCFullYear(bc ? 1 - get('year') : get('year'), get('month') - 1, get('day'));
    wall.setUTCHours(get('hour'), get('minute'), get('second'), 0);
    const offset = Math.round((wall.getTime() - Math.floor(unixMs / 1000) * 1000) / 1000);
    let abbreviation = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
    // Intl writes "GMT+8" where tzdata has no name; Go then has a numeric name such as "+08".
    if (/^GMT[+-]/.test(abbreviation) || (abbreviation === 'GMT' && offset !== 0)) abbreviation = '';
    return { offset, abbreviation };
  }

  /** The offset to subtract from a wall clock (seconds since the epoch as if UTC) to get the instant, as time.Date does. */
  offsetForWall(wallSeconds: number): number {
    if (this.fixedOffsetSeconds !== undefined) return this.fixedOffsetSeconds;
    const guess = this.zoneAt(wallSeconds * 1000).offset;
    return this.zoneAt((wallSeconds - guess) * 1000).offset;
  }

  /** Location.lookupName: the offset of a zone with this abbreviation in effect around an instant, if any. */
  offsetOfAbbreviation(abbreviation: string, unixMs: number): number | undefined {
    const halfYear = 182 * 86_400_000;
    for (const at of [unixMs, unixMs - halfYear, unixMs + halfYear]) {
      const zone = this.zoneAt(at);
      if (zone.abbreviation === abbreviation) return zone.offset;
    }
    return undefined;
  }

  /** Whether the zone at an instant is daylight saving time (its offset is above the year's smaller offset). */
  isDstAt(unixMs: number): boolean {
    if (this.fixedOffsetSeconds !== undefined) return false;
    const year = new Date(unixMs).getUTCFullYear();
    const january = new Date(0);
    january.setUTCFullYear(year, 0, 1);
    const july = new Date(0);
    july.setUTCFullYear(year, 6, 1);
    const standard = Math.min(this.zoneAt(january.getTime()).offset, this.zoneAt(july.getTime()).offset);
    return this.zoneAt(unixMs).offset > standard;
  }
}

const LOCAL_UTC = GoLocation.fixed('Local', 0);
