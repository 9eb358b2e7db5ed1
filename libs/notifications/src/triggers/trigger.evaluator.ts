import { createHash } from 'node:crypto';
import { formatValue } from '@berth/golang';
import { createTriggerEnv } from './trigger-env';
import type {
  FiredCondition,
  TriggerDefinition,
  TriggerEvaluation,
  TriggerEvaluationIssue,
  TriggerState,
} from './trigger.types';

/** Argo CD keeps the 100 newest notified entries per object; older oncePer values may notify again. */
export const MAX_DELIVERED_ENTRIES = 100;

export interface EvaluateTriggersOptions {
  /** Evaluation time (epoch ms): `time.Now()` in conditions and the timestamp of state entries. */
  now: number;
  context?: Readonly<Record<string, string>>;
  appProject?: unknown;
  secrets?: Readonly<Record<string, string>>;
  /** Only these triggers (e.g. the ones the app is subscribed to); default all configured triggers. */
  triggers?: readonly string[];
}

export function emptyTriggerState(): TriggerState {
  return { active: {}, delivered: {} };
}

export function conditionKey(index: number, whenSource: string): string {
  return `[${index}].${createHash('sha1').update(whenSource).digest('base64url')}`;
}

function activeKey(trigger: string, key: string): string {
  return `${trigger}/${key}`;
}

function deliveredKey(trigger: string, key: string, oncePerKey: string): string {
  return `${trigger}/${key}/${oncePerKey}`;
}

/**
 * Decides which trigger conditions fire for one Application state, like Argo CD's notification controller
 * but with delivery-aware state:
 * - a condition fires when it becomes true; an edge-triggered condition re-arms when it becomes false;
 * - with `oncePer` it fires once per distinct value, and keeps firing on each evaluation until
 *   markDelivered records that value (a failed send is retried, unlike Argo CD; use deliveryId to dedupe);
 * - an `oncePer` that is nil or fails falls back to edge triggering. Argo CD turns nil into the key `<nil>`,
 *   which silences multi-source apps (no `syncResult.revision`) and `Running` operations after the first time.
 * Pure: no I/O, time comes from options.now.
 */
export function evaluateTriggers(
  config: { triggers: Readonly<Record<string, TriggerDefinition>> },
  app: unknown,
  previousState: TriggerState | undefined,
  options: EvaluateTriggersOptions,
): TriggerEvaluation {
  const prev = previousState ?? emptyTriggerState();
  const active: Record<string, number> = {};
  const fire: FiredCondition[] = [];
  const issues: TriggerEvaluationIssue[] = [];
  const env = createTriggerEnv({
    app,
    appProject: options.appProject,
    context: options.context,
    secrets: options.secrets,
    now: options.now,
  });
  const names = options.triggers ?? Object.keys(config.triggers);
  const evaluated = new Set<string>();

  for (const name of names) {
    const trigger = config.triggers[name];
    if (!trigger) continue;
    trigger.conditions.forEach((condition, index) => {
      const key = conditionKey(index, condition.when.source);
      const aKey = activeKey(name, key);
      evaluated.add(aKey);
      let triggered = false;
      try {
        triggered = condition.when.evaluate(env, { now: options.now }) === true;
      } catch (err) {
        issues.push({ trigger: name, conditionIndex: index, field: 'when', message: (err as Error).message });
      }
      if (!triggered) return;

      let oncePerKey: string | undefined;
      if (condition.oncePer) {
        try {
          const value = condition.oncePer.evaluate(env, { now: options.now });
          if (value !== null && value !== undefined) oncePerKey = formatValue(value); // Go's fmt.Sprintf("%v", val)
        } catch (err) {
          issues.push({
            trigger: name,
            conditionIndex: index,
            field: 'oncePer',
            message: (err as Error).message,
          });
        }
      }
      const fired: FiredCondition = {
        trigger: name,
        conditionIndex: index,
        conditionKey: key,
        send: [...condition.send],
        oncePerKey,
      };
      if (oncePerKey !== undefined) {
        if (!Object.hasOwn(prev.delivered, deliveredKey(name, key, oncePerKey))) fire.push(fired);
        return;
      }
      const since = prev.active[aKey];
      active[aKey] = since ?? options.now;
      if (since === undefined) fire.push(fired);
    });
  }
  // Conditions not evaluated this time (trigger filtered out) keep their edge state.
  for (const [k, v] of Object.entries(prev.active)) if (!evaluated.has(k)) active[k] = v;
  return { fire, nextState: { active, delivered: { ...prev.delivered } }, issues };
}

/** Records a delivered oncePer notification so the same value never fires again; no-op for edge conditions. */
export function markDelivered(state: TriggerState, fired: FiredCondition, now: number): TriggerState {
  if (fired.oncePerKey === undefined) return state;
  const delivered = {
    ...state.delivered,
    [deliveredKey(fired.trigger, fired.conditionKey, fired.oncePerKey)]: now,
  };
  const entries = Object.entries(delivered);
  if (entries.length <= MAX_DELIVERED_ENTRIES) return { active: state.active, delivered };
  entries.sort((a, b) => b[1] - a[1]);
  return { active: state.active, delivered: Object.fromEntries(entries.slice(0, MAX_DELIVERED_ENTRIES)) };
}

/** Parses persisted state leniently: anything malformed starts empty, as Argo CD does with a bad annotation. */
export function parseTriggerState(json: string | undefined): TriggerState {
  if (!json) return emptyTriggerState();
  try {
    const parsed = JSON.parse(json) as Partial<TriggerState>;
    const numbers = (v: unknown): Record<string, number> =>
      typeof v === 'object' && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).filter((e): e is [string, number] => typeof e[1] === 'number'))
        : {};
    return { active: numbers(parsed.active), delivered: numbers(parsed.delivered) };
  } catch {
    return emptyTriggerState();
  }
}

/**
 * Argo CD skips an app whose operation finished after the last reconcile ("sync status out of date"):
 * its sync/health status may not reflect the operation yet, so triggers would see a stale mix.
 */
export function isSyncStatusOutOfDate(app: unknown): boolean {
  const status = (app as { status?: Record<string, unknown> } | null)?.status;
  const op = status?.operationState as { phase?: string; finishedAt?: string } | undefined;
  if (!op || !['Succeeded', 'Failed', 'Error'].includes(op.phase ?? '') || !op.finishedAt) return false;
  const finished = Date.parse(op.finishedAt);
  const reconciled = typeof status?.reconciledAt === 'string' ? Date.parse(status.reconciledAt) : NaN;
  const observed = typeof status?.observedAt === 'string' ? Date.parse(status.observedAt) : NaN;
  const before = (t: number): boolean => Number.isNaN(t) || t < finished;
  return before(reconciled) && before(observed);
}
