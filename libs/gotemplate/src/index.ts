export { compileTemplate } from './compile-template';
export type { CompileOptions, PlainTemplateFunction, RenderOptions, Template } from './compile-template';
export { TemplateError } from './template.error';
export { DEFAULT_RENDER_BUDGET } from './template.evaluator';
export type { MissingKey, RenderBudget } from './template.evaluator';
export type { TemplateErrorCode } from './template.error';
export {
  argoNotificationHelpers,
  argoTimeConstants,
  fullNameByRepoUrl,
  repoUrlToHttps,
} from './argo-notification.helpers';
export type { ArgoHelperDeps, CommitMetadata } from './argo-notification.helpers';
