import { newEnforcer, newModelFromString, type Adapter, type Enforcer, type Model } from 'casbin';
import { casbinRule, type PolicyLine } from './policy-line';
import { PatternMatcher, type MatchMode } from './policy-pattern';

/**
 * Argo CD's assets/model.conf: a request is allowed when some matching line allows it and none denies it; a
 * subject matches its own lines and those of every role it holds (`g`, transitively).
 */
export const ARGO_CD_MODEL = `
[request_definition]
r = sub, res, act, obj

[policy_definition]
p = sub, res, act, obj, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub) && globOrRegexMatch(r.res, p.res) && globOrRegexMatch(r.act, p.act) && globOrRegexMatch(r.obj, p.obj)
`;

/** Loads Berth's already-read lines into the model (the text was parsed as Argo CD parses it). */
class LinesAdapter implements Adapter {
  constructor(private readonly lines: readonly PolicyLine[]) {}

  async loadPolicy(model: Model): Promise<void> {
    for (const line of this.lines) model.addPolicy(line.type, line.type, casbinRule(line));
  }

  async savePolicy(): Promise<boolean> {
    return false;
  }

  async addPolicy(): Promise<void> {
    throw new Error('the RBAC policy is read-only');
  }

  async removePolicy(): Promise<void> {
    throw new Error('the RBAC policy is read-only');
  }

  async removeFilteredPolicy(): Promise<void> {
    throw new Error('the RBAC policy is read-only');
  }
}

/** One loaded policy: the Casbin enforcer over it, and who appears as the subject of a `g` line. */
export class CasbinPolicy {
  private constructor(
    private readonly enforcer: Enforcer,
    /** Argo CD only tries a caller's groups that some `g` line names (its grouping-policy prefilter). */
    readonly boundSubjects: ReadonlySet<string>,
  ) {}

  static async load(lines: readonly PolicyLine[], mode: MatchMode): Promise<CasbinPolicy> {
    const enforcer = await newEnforcer(newModelFromString(ARGO_CD_MODEL), new LinesAdapter(lines));
    const matcher = new PatternMatcher(mode);
    await enforcer.addFunction('globOrRegexMatch', (value: unknown, pattern: unknown) =>
      matcher.matches(String(value), String(pattern)),
    );
    const bound = new Set(lines.filter((line) => line.type === 'g').map((line) => line.subject));
    return new CasbinPolicy(enforcer, bound);
  }

  /**
   * Whether the lines allow the request for this subject. A pattern that does not compile in the match mode
   * fails the check, as Casbin's error does in Argo CD (`ok && err == nil`).
   */
  allows(subject: string, resource: string, action: string, object: string): boolean {
    try {
      return this.enforcer.enforceSync(subject, resource, action, object);
    } catch {
      return false;
    }
  }
}
