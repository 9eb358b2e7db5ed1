/** One line of a Berth process's output under LOG_FORMAT=json (libs/runtime BerthLogger). */
export interface JsonLogRecord {
  level: string;
  message: unknown;
  context?: string;
  process?: string;
  application?: string;
  correlationId?: string;
  actor?: string;
}

/** Every non-empty line of `output`, parsed: a line that is not JSON throws, naming it. */
export function jsonLogRecords(output: string): JsonLogRecord[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as JsonLogRecord;
      } catch {
        throw new Error(`not a JSON log line: ${line}\n${output}`);
      }
    });
}
