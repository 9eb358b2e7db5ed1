export { ARGO_CD_ANSWERS } from './argo-cd-answers.schema';
export type { ArgoShape } from './argo-cd-answers.schema';
export { ARGO_CD_DEFINITIONS } from './argo-cd-definitions.schema';
export type { JsonSchema } from './json-schema';
export { componentRef, openApiSchemas } from './openapi-schemas';
