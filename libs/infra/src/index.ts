export {
  ACCOUNTS_SECRET_ENV_PREFIX,
  ConfigError,
  NOTIFICATION_SECRET_ENV_PREFIX,
  decodeKey,
  loadConfig,
  redact,
} from './config/berth-config';
export type { BerthConfig, ServerSettings } from './config/berth-config';
export { loadBerthSettings, parseProcessArgs, PROCESS_ARGS_USAGE } from './config/berth-settings';
export type { BerthSettings, ProcessArgs, SettingsSources } from './config/berth-settings';
export { mapEntryKey, parseConfigFile } from './config/config-file';
export type { ConfigFileSettings } from './config/config-file';
export {
  configurationTable,
  exampleConfigFile,
  settingsHelp,
  TABLE_BEGIN,
  TABLE_END,
  withConfigurationTable,
} from './config/settings-docs';
export { SETTINGS, settingOf, settingsOfProcess } from './config/settings-schema';
export type { BerthProcess, SettingSpec, SettingType } from './config/settings-schema';
export { watchConfigFile } from './config/config-file-watch';
export type { ConfigFileWatch } from './config/config-file-watch';
export { endpointOf, userOf, withoutSecrets } from './config/dependency-endpoint';
export { describeRedis, hasHashTag, readRedisTopology } from './config/redis-settings';
export type { RedisClient, RedisNode, RedisSettings, RedisTopology } from './config/redis-settings';
export { SecretBox, SecretBoxError } from './crypto/secret-box';
export { JqWasmPathEvaluator } from './jq/jq-path-evaluator';
export { loadActionCustomizations } from './lua/action-customizations.loader';
export { actionCustomizationsOfArgoCm } from './lua/argocd-cm-actions';
export { loadHealthCustomizations } from './lua/health-customizations.loader';
export { LuaHealthRunner, parseHealthCustomizationKey } from './lua/lua-health-check';
export type { LuaHealthOptions, LuaHealthScript } from './lua/lua-health-check';
export { LuaHealthError } from './lua/lua-health.error';
export { LuaActionRunner } from './lua/lua-resource-actions';
export type { ActionOutcome, LuaActionOptions, LuaActionScripts } from './lua/lua-resource-actions';
export { LuaSandbox } from './lua/lua-sandbox';
export type { LuaLimits, LuaRunResult, LuaScript } from './lua/lua-state';
export {
  DependencyUnavailableError,
  postgresUnavailable,
  redisDown,
  redisUnavailable,
} from './observability/dependency-unavailable.error';
export type { Dependency } from './observability/dependency-unavailable.error';
export { BerthMetrics } from './observability/metrics';
export { ArgoCdMetrics } from './observability/argocd-metrics';
export type { AppInfoLabels } from './observability/argocd-metrics';
export { currentAppScope, describeAppScope, runInAppScope } from './observability/app-scope';
export type { AppScope } from './observability/app-scope';
export { currentLogContext, extendLogContext, withLogContext } from './observability/log-context';
export type { LogContext } from './observability/log-context';
export {
  YamlSyntaxError,
  formatYamlSyntaxIssue,
  parseApplicationDocument,
  pathKeys,
} from './yaml/application-yaml';
export type { ParseYamlResult, YamlDocument, YamlSyntaxIssue } from './yaml/application-yaml';
export { JsonSyntaxError, parseJsonBounded } from './yaml/bounded-json';
export { documentToJS, parseAllDocumentsBounded } from './yaml/bounded-yaml';
export type { BoundedYamlOptions } from './yaml/bounded-yaml';
export {
  DEFAULT_DOCUMENT_LIMITS,
  DocumentLimitError,
  assertDepthWithin,
  depthLimitError,
} from './yaml/document-limits';
export type { DocumentLimits } from './yaml/document-limits';
