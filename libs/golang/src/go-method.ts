import { GoDuration } from './go-duration';
import { GoLocation } from './go-location';
import { GoTime } from './go-time';

/** A Go parameter type a method accepts. */
export type GoParamType = 'time.Duration' | 'time.Time' | '*time.Location' | 'string' | 'int';

type MethodSet = Readonly<Record<string, readonly GoParamType[]>>;

/**
 * The exported methods of Go's time types with their parameter types: what an expression may call through
 * reflection in Argo CD (expr calls any exported method). Methods returning two values (Clock, Date, ISOWeek, Zone,
 * ZoneBounds) and the encoding methods are left out: expr cannot use a second non-error result.
 */
const TIME_METHODS: MethodSet = {
  Add: ['time.Duration'],
  AddDate: ['int', 'int', 'int'],
  After: ['time.Time'],
  Before: ['time.Time'],
  Compare: ['time.Time'],
  Day: [],
  Equal: ['time.Time'],
  Format: ['string'],
  GoString: [],
  Hour: [],
  In: ['*time.Location'],
  IsDST: [],
  IsZero: [],
  Local: [],
  Location: [],
  Minute: [],
  Month: [],
  Nanosecond: [],
  Round: ['time.Duration'],
  Second: [],
  String: [],
  Sub: ['time.Time'],
  Truncate: ['time.Duration'],
  UTC: [],
  Unix: [],
  UnixMicro: [],
  UnixMilli: [],
  UnixNano: [],
  Weekday: [],
  Year: [],
  YearDay: [],
};

const DURATION_METHODS: MethodSet = {
  Abs: [],
  Hours: [],
  Microseconds: [],
  Milliseconds: [],
  Minutes: [],
  Nanoseconds: [],
  Round: ['time.Duration'],
  Seconds: [],
  String: [],
  Truncate: ['time.Duration'],
};

const LOCATION_METHODS: MethodSet = { String: [] };

/** The parameter types of `receiver`'s Go method `name`; undefined when Go has no such method. */
export function goMethodParams(receiver: unknown, name: string): readonly GoParamType[] | undefined {
  const set =
    receiver instanceof GoTime
      ? TIME_METHODS
      : receiver instanceof GoDuration
        ? DURATION_METHODS
        : receiver instanceof GoLocation
          ? LOCATION_METHODS
          : undefined;
  return set !== undefined && Object.hasOwn(set, name) ? set[name] : undefined;
}

/** Whether a JS value can be passed where Go expects `type`. */
export function isGoParam(value: unknown, type: GoParamType): boolean {
  switch (type) {
    case 'time.Duration':
      return value instanceof GoDuration;
    case 'time.Time':
      return value instanceof GoTime;
    case '*time.Location':
      return value instanceof GoLocation;
    case 'string':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
  }
}

/** Calls a Go method checked with goMethodParams. */
export function callGoMethod(receiver: object, name: string, args: unknown[]): unknown {
  const method = (receiver as Record<string, unknown>)[name];
  if (typeof method !== 'function') throw new Error(`${name} is not a method`);
  return (method as (...a: unknown[]) => unknown).apply(receiver, args);
}
