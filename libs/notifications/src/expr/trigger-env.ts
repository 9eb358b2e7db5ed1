import { GO_LAYOUTS } from '@berth/gotemplate';
import { ExprNamespace } from './expr-namespace';
import { GoDuration, GoTime, NANOS, parseRfc3339 } from './go-time';

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

/** The `time` namespace Argo CD gives triggers: `time.Now()`, `time.Parse(rfc3339)`, duration and layout constants. */
export function createTimeNamespace(now: number): ExprNamespace {
  const durations = Object.fromEntries(Object.entries(NANOS).map(([k, n]) => [k, new GoDuration(n)]));
  return new ExprNamespace('time', {
    ...durations,
    // Go's layout constants: one table for templates and triggers.
    ...GO_LAYOUTS,
    Now: (args: unknown[]) => {
      if (args.length !== 0) throw new Error('takes no arguments');
      return new GoTime(now);
    },
    // Argo CD's Parse takes one RFC 3339 string and panics otherwise; the panic is a failed condition.
    Parse: (args: unknown[]) => {
      const [s] = args;
      if (args.length !== 1 || typeof s !== 'string') {
        throw new Error(
          `needs one RFC 3339 string, got ${s === null || s === undefined ? '<nil>' : typeof s}`,
        );
      }
      const t = parseRfc3339(s);
      if (!t) throw new Error(`cannot parse ${JSON.stringify(s)} as RFC 3339`);
      return t;
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
