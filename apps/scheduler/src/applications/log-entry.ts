/**
 * Argo CD's LogEntry (application.proto), as its grpc-gateway answers each line of `GET .../logs`:
 * `timeStamp` is a metav1.Time (RFC 3339, seconds), `timeStampStr` Go's RFC3339Nano (trailing zeros cut).
 */
export interface LogEntry {
  content: string;
  timeStamp: string;
  timeStampStr: string;
  podName: string;
  last: boolean;
}

export function logEntryOf(podName: string, content: string, at: Date): LogEntry {
  return { content, timeStamp: rfc3339(at), timeStampStr: rfc3339Nano(at), podName, last: false };
}

/** The entry Argo CD sends when every log has ended. */
export function lastLogEntry(at: Date): LogEntry {
  return { content: '', timeStamp: rfc3339(at), timeStampStr: rfc3339Nano(at), podName: '', last: true };
}

/**
 * A line of a log read with `timestamps=true`: the kubelet's RFC 3339 timestamp, a space, the content. A line
 * without one keeps its text and takes the time it was read.
 */
export function splitTimestamp(line: string): { at: Date; content: string } {
  const space = line.indexOf(' ');
  const at = space > 0 ? new Date(line.slice(0, space)) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) return { at: new Date(), content: line };
  return { at, content: line.slice(space + 1) };
}

/**
 * Argo CD's log filter: lines containing the text, or with a leading `!`, lines not containing it; case
 * folded unless matchCase.
 */
export function matchesLogFilter(line: string, filter: string | undefined, matchCase: boolean): boolean {
  if (!filter) return true;
  const inverse = filter.startsWith('!');
  const literal = inverse ? filter.slice(1) : filter;
  const contains = matchCase ? line.includes(literal) : line.toLowerCase().includes(literal.toLowerCase());
  return contains !== inverse;
}

function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's time.RFC3339Nano: fractional seconds without trailing zeros (none at all for a whole second). */
function rfc3339Nano(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => {
    const trimmed = ms.replace(/0+$/, '');
    return trimmed ? `.${trimmed}Z` : 'Z';
  });
}
