import { GoLocation, GoTime, parseRfc3339 } from '@berth/golang';
import { argoTimeConstants } from '@berth/gotemplate';
import { ExprNamespace } from '@berth/expr';

export interface TriggerEnvInput {
  /** The Application as a JSON object (metadata/spec/status). */
  app: unknown;
  /** The AppProject as a JSON object; `{}` when unknown, like Argo CD. */
  appProject?: unknown;
  /** The `context` map of the config. */
  context?: Readonly<Record<string, string>>;
  /** Secret values by key (Argo CD exposes them as `secrets`). */
  secrets?: Readonly<Record<string, string>>;
  /** Evaluation time in epoch milliseconds: what `time.Now()` returns. */
  now: number;
}

/**
 * The `time` namespace Argo CD gives triggers: `time.Now()` (a Go time.Time in the process zone, with all of its
 * methods: `.Format(time.RFC3339)`, `.Truncate(time.Hour)`, ...), `time.Parse(rfc3339)`, duration and layout
 * constants (the same table templates get).
 */
export function createTimeNamespace(now: number): ExprNamespace {
  return new ExprNamespace('time', {
    ...argoTimeConstants(),
    Now: (args: unknown[]) => {
      if (args.length !== 0) throw new Error('takes no arguments');
      return new GoTime(now, 0, GoLocation.local());
    },
    // Argo CD's Parse takes one RFC 3339 string and panics otherwise; the panic is a failed condition.
    Parse: (args: unknown[]) => {
      const [s] = args;
      if (args.length !== 1 || typeof s !== 'string') {
        throw new Error(
          `needs one RFC 3339 string, got ${s === null || s === undefined ? '<nil>' : typeof s}`,
        );
      }
      return parseRfc3339(s);
    },
  });
}

/** The `strings` namespace: `ReplaceAll`, `ToUpper`, `ToLower`. */
export function createStringsNamespace(): ExprNamespace {
  const str = (v: unknown, what: string): string => {
    if (typeof v !== 'string') throw new Error(`${what} must be a string`);
    return v;
  };
  return new ExprNamespace('strings', {
    ReplaceAll: ([s, o, n]: unknown[]) => str(s, 's').split(str(o, 'old')).join(str(n, 'new')),
    ToUpper: ([s]: unknown[]) => str(s, 's').toUpperCase(),
    ToLower: ([s]: unknown[]) => str(s, 's').toLowerCase(),
  });
}

/** The variables a trigger condition sees, as in Argo CD: app, appProject, context, secrets, time, strings. */
export function createTriggerEnv(input: TriggerEnvInput): Record<string, unknown> {
  return {
    app: input.app ?? null,
    appProject: input.appProject ?? {},
    context: { notificationType: '', ...(input.context ?? {}) },
    secrets: { ...(input.secrets ?? {}) },
    time: createTimeNamespace(input.now),
    strings: createStringsNamespace(),
  };
}
