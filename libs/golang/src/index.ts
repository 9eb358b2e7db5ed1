// Go's value model, fmt and encoding/json, as text/template and expr see Go values.
export {
  GoFloat,
  goKind,
  goTypeName,
  isNumber,
  isPlainMap,
  isTrue,
  mapEntries,
  mapGet,
  mapLength,
  toNumber,
  utf8Length,
} from './go-value';
export type { GoKind, GoStringer } from './go-value';
export { formatFloat, formatValue, goQuote, sprint, sprintf, sprintln } from './go-fmt';
export { toGoJson } from './go-json';
export type { GoJsonOptions } from './go-json';
// Go's time package.
export { GoTime, formatGoTime, parseGoTime, parseRfc3339 } from './go-time';
export { GoDuration, GO_DURATIONS, formatGoDuration, parseGoDuration } from './go-duration';
export { GoLocation } from './go-location';
// Go's os.Expand (Argo CD's build environment substitution).
export { goExpand } from './go-expand';
export { GO_LAYOUTS } from './go-time-layout';
export type { WallClock } from './go-time-layout';
export { GoTimeParseError } from './go-time-parse-error';
// Go method sets, for languages that call methods by reflection (expr).
export { callGoMethod, goMethodParams, isGoParam } from './go-method';
export type { GoParamType } from './go-method';
