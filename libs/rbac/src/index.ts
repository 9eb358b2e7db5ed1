export { BUILTIN_POLICY_CSV, BUILTIN_ROLES } from './builtin-policy';
export { ARGO_CD_MODEL } from './casbin-policy';
export { readCsvRecord } from './policy-csv';
export type { PolicyLineSource } from './policy-csv';
export { readPolicyLines } from './policy-line';
export type { PolicyLine, PolicyRule, RoleBinding } from './policy-line';
export { MATCH_MODES, compilePattern } from './policy-pattern';
export type { MatchMode } from './policy-pattern';
export { isTokenListed, projectPolicyLines, projectsFrom } from './project-policy';
export type { ProjectLookup, ProjectRbac } from './project-policy';
export {
  DEFAULT_SCOPES,
  EMPTY_RBAC_CONFIG,
  MATCH_MODE_KEY,
  POLICY_CSV_KEY,
  POLICY_DEFAULT_KEY,
  RbacConfigError,
  SCOPES_KEY,
  assertRbacConfig,
  formatRbacConfigIssue,
  parseRbacConfig,
  policyKeys,
} from './rbac-config';
export type { RbacConfig, RbacConfigIssue, RbacConfigResult } from './rbac-config';
export { RbacConfigSource } from './rbac-config.source';
export type { RbacConfigSourceOptions, RbacConfigStatus } from './rbac-config.source';
export {
  APPROVE_ACTION,
  RBAC_RESOURCES,
  RESOURCE_ACTIONS,
  isProjectScoped,
  projectOfRequest,
} from './rbac-vocabulary';
export type { RbacResource } from './rbac-vocabulary';
export { DEFAULT_LOCAL_ISSUER, RbacEnforcer } from './rbac.enforcer';
export type { RbacDecision, RbacEnforcerOptions } from './rbac.enforcer';
export { identify, scopeValues } from './subject-claims';
export type { Identity, SubjectClaims } from './subject-claims';
