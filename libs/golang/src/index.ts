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
export {
  GO_LAYOUTS,
  GoDuration,
  GoLocation,
  GoTime,
  formatGoTime,
  parseGoDuration,
  parseRfc3339,
} from './go-time';
