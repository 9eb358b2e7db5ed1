export { compileTemplate } from './compile-template';
export type { CompileOptions, PlainTemplateFunction, RenderOptions, Template } from './compile-template';
export { TemplateError } from './template.error';
export { DEFAULT_RENDER_BUDGET } from './template.evaluator';
export type { RenderBudget } from './template.evaluator';
export type { TemplateErrorCode } from './template.error';
export { GoFloat } from './go-value';
export { formatValue as goFormatValue, sprintf as goSprintf } from './go-fmt';
export { argoNotificationHelpers, repoUrlToHttps, fullNameByRepoUrl } from './argo-notification.helpers';
export type { ArgoHelperDeps, CommitMetadata } from './argo-notification.helpers';
export {
  GoTime,
  GoDuration,
  GoLocation,
  GO_LAYOUTS,
  formatGoTime,
  parseRfc3339,
  parseGoDuration,
} from './go-time';
export { toGoJson } from './go-json';
