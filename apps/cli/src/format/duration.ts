/**
 * A Go-style duration (`90s`, `5m`, `24h`, `1h30m`, `7d`) in milliseconds; a bare number is seconds, as
 * Argo CD's `--timeout`. Throws naming the flag when the text is not one.
 */
export function parseDuration(text: string, flag: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value)
    throw new Error(`${flag} ${text}: not a duration; use e.g. 30s, 5m, 24h or 1h30m`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2]!]!, 0);
}

/** `1m 5s`-style: Argo CD prints operation durations with Go's time.Duration (`1m5s`). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
