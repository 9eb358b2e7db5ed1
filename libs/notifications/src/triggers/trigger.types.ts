import type { CompiledExpr } from '@berth/expr';

/** One entry of a `trigger.<name>` list in argocd-notifications-cm. */
export interface TriggerCondition {
  /** Compiled `when` (Argo CD compiles an empty `when` as `false`). */
  when: CompiledExpr;
  /** Template names, rendered in order and merged. */
  send: string[];
  oncePer?: CompiledExpr;
  description?: string;
}

export interface TriggerDefinition {
  name: string;
  conditions: TriggerCondition[];
}

/**
 * What has been notified for one Application. Persist it per app between evaluations (JSON-safe).
 * `active` holds plain conditions that were true at the last evaluation (the edge is consumed when it fires);
 * `delivered` holds oncePer values whose notification was delivered (only markDelivered adds them).
 */
export interface TriggerState {
  active: Record<string, number>;
  delivered: Record<string, number>;
}

export interface FiredCondition {
  trigger: string;
  conditionIndex: number;
  /** `[<index>].<base64url(sha1(when))>` like Argo CD: editing a condition resets its state. */
  conditionKey: string;
  send: string[];
  /** Go `%v` of the oncePer value; undefined for an edge-triggered condition. */
  oncePerKey: string | undefined;
}

export interface TriggerEvaluationIssue {
  trigger: string;
  conditionIndex: number;
  field: 'when' | 'oncePer';
  message: string;
}

export interface TriggerEvaluation {
  fire: FiredCondition[];
  nextState: TriggerState;
  /** Runtime errors; Argo CD logs them and treats the condition as not triggered. */
  issues: TriggerEvaluationIssue[];
}
