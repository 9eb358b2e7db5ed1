export { compileTemplate } from './compile-template';
export type { CompileOptions, PlainTemplateFunction, RenderOptions, Template } from './compile-template';
export { TemplateError } from './template.error';
export type { TemplateErrorCode } from './template.error';
export {
  argoNotificationHelpers,
  argoTimeConstants,
  repoUrlToHttps,
  fullNameByRepoUrl,
} from './argo-notification.helpers';
export type { ArgoHelperDeps, CommitMetadata } from './argo-notification.helpers';
// Go semantics now live in @berth/golang; re-exported until the callers import it directly.
export {
  GoFloat,
  formatValue as goFormatValue,
  sprintf as goSprintf,
  GoTime,
  GoDuration,
  GoLocation,
  GO_LAYOUTS,
  formatGoTime,
  parseRfc3339,
  parseGoDuration,
  toGoJson,
} from '@berth/golang';
