// How `npm start` shows a child's output line: Nest's start-up chatter (module wiring, one line per
// route) dropped, and its `[Nest] <pid>  - <date>, <time>     LOG [context]` head shortened to
// `<time> LOG [context]`: the process name is already in front. The log files keep every line as written.
// Pure, so it is unit-tested.

const NEST_HEAD = /^\[Nest\] \d+\s+-\s+\S+,\s+(\d{1,2}:\d{2}:\d{2}(?:\s?[AP]M)?)\s+(\w+)\s+(.*)$/;
const STARTUP_CONTEXTS = /^\[(InstanceLoader|RoutesResolver|RouterExplorer|NestFactory|NestApplication)\] /;

/**
 * @param {string} line one output line of a child, without its newline
 * @returns {string | undefined} what to print, or undefined to print nothing
 */
export function readableLine(line) {
  const nest = NEST_HEAD.exec(line);
  if (!nest) return line;
  const [, time, level, rest] = nest;
  if (level === 'LOG' && STARTUP_CONTEXTS.test(rest ?? '')) return undefined;
  return `${time} ${level} ${rest}`;
}
