import { validateApplication } from '../application/application.validator';
import { formatIssue } from '../application/validation-issue';
import { isPlainObject } from '../application/field-checks';
import type { ApplicationManifest } from '../events/application.events';
import { DEFAULT_PROJECT_NAME } from '../project/default-project';
import { RESOURCES_FINALIZER } from '../reconcile/app-of-apps';
import { projectOfApplicationSet } from './applicationset.aggregate';
import type {
  ApplicationSet,
  ApplicationSetGenerator,
  ApplicationSetTemplate,
  GeneratorParams,
  MatrixGenerator,
} from './applicationset.types';
import { clusterParams } from './cluster.generator';
import { GeneratorError } from './generator.error';
import type { GeneratorSources } from './generator-sources.port';
import { gitParams } from './git.generator';
import { listParams } from './list.generator';
import { mergeTemplates } from './template-merge';
import { renderTemplate, TemplateRenderError, type RenderOptions } from './template-render';

/** Set on every Application an ApplicationSet generates (Argo CD's ownerReference): its owner. */
export const APPLICATION_SET_ANNOTATION = 'berth.dev/applicationset';

/** At most this many Applications per ApplicationSet: a matrix of two large listings stops here. */
export const MAX_GENERATED_APPLICATIONS = 1000;

export interface GeneratedApplication {
  name: string;
  /** Validated (Berth's Application validator, defaults filled in), owned by the ApplicationSet. */
  manifest: ApplicationManifest;
}

export interface InvalidGeneratedApplication {
  name: string;
  message: string;
}

export interface GenerationResult {
  applications: GeneratedApplication[];
  /** Rendered but invalid: not created or changed, and not deleted either (Argo CD's ApplicationValidationError). */
  invalid: InvalidGeneratedApplication[];
}

/** Generation failed as a whole: nothing is created, changed or deleted (Argo CD returns before applying). */
export class ApplicationSetGenerationError extends Error {
  override readonly name = 'ApplicationSetGenerationError';
  constructor(
    /** Argo CD's condition reason: `ApplicationGenerationFromParamsError`, `RenderTemplateParamsError`. */
    readonly reason: 'ApplicationGenerationFromParamsError' | 'RenderTemplateParamsError',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Argo CD's `GenerateApplications`: every generator's parameter sets, each rendered into the
 * generator's template merged with `spec.template`, as Applications. A generator or template error
 * fails the whole generation; a rendered Application that Berth's validator refuses is reported in
 * `invalid` and the others go on (as Argo CD filters out invalid apps).
 */
export async function generateApplications(
  appSet: ApplicationSet,
  sources: GeneratorSources,
): Promise<GenerationResult> {
  const options: RenderOptions = {
    goTemplate: appSet.spec.goTemplate === true,
    goTemplateOptions: appSet.spec.goTemplateOptions ?? [],
  };
  const rendered: Array<Record<string, unknown>> = [];
  for (const [index, generator] of appSet.spec.generators.entries()) {
    const at = `spec.generators[${index}]`;
    let paramSets: GeneratorParams[];
    try {
      paramSets = await generatorParams(generator, options, sources, at, undefined);
    } catch (e) {
      if (e instanceof GeneratorError || e instanceof TemplateRenderError)
        throw new ApplicationSetGenerationError('ApplicationGenerationFromParamsError', messageOf(e, at), {
          cause: e,
        });
      throw e;
    }
    const template = mergeTemplates(templateOf(generator), appSet.spec.template);
    for (const params of paramSets) {
      if (rendered.length >= MAX_GENERATED_APPLICATIONS)
        throw new ApplicationSetGenerationError(
          'ApplicationGenerationFromParamsError',
          `more than ${MAX_GENERATED_APPLICATIONS} Applications generated; narrow the generators (paths, elements, selector)`,
        );
      try {
        rendered.push(toApplication(renderTemplate(template, params, options), appSet));
      } catch (e) {
        if (e instanceof TemplateRenderError)
          throw new ApplicationSetGenerationError(
            'RenderTemplateParamsError',
            `spec.template.${e.path}: ${e.message}`,
            { cause: e },
          );
        throw e;
      }
    }
  }
  const result: GenerationResult = { applications: [], invalid: [] };
  const seen = new Set<string>();
  for (const app of rendered) {
    const metadata = app['metadata'] as { name?: unknown };
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    if (seen.has(name))
      throw new ApplicationSetGenerationError(
        'ApplicationGenerationFromParamsError',
        `ApplicationSet ${appSet.metadata.name} contains applications with duplicate name: ${name}; make spec.template.metadata.name unique per parameter set`,
      );
    seen.add(name);
    const validation = validateApplication(app);
    const outside = validation.ok ? projectEscape(appSet, validation.application.spec.project) : undefined;
    if (outside)
      result.invalid.push({
        name,
        message: `Application "${name}" generated by ${appSet.metadata.name} is invalid: ${outside}`,
      });
    else if (validation.ok)
      result.applications.push({ name, manifest: validation.application as unknown as ApplicationManifest });
    else
      result.invalid.push({
        name,
        message: `Application "${name}" generated by ${appSet.metadata.name} is invalid: ${validation.errors.map((i) => formatIssue(i)).join('; ')}`,
      });
  }
  return result;
}

/**
 * A generated app must stay in its set's project: the set was authorized there (`applicationsets, create,
 * <project>/<name>`), so a generator's own template, or a parameter, naming another project would create
 * applications where its author may not. Argo CD's API checks only spec.template's project; Berth also holds
 * every generated app to it. A templated set project (`{{env}}`, which the API refuses) is not checked here.
 */
function projectEscape(appSet: ApplicationSet, project: string | undefined): string | undefined {
  const own = projectOfApplicationSet(appSet);
  if (own.includes('{{')) return undefined;
  const generated = project === undefined || project === '' ? DEFAULT_PROJECT_NAME : project;
  if (generated === own) return undefined;
  return `spec.project: is "${generated}", not the ApplicationSet's project "${own}"; an ApplicationSet creates applications in its own project only (spec.template.spec.project): remove project from the generator's template and parameters`;
}

function messageOf(e: Error, at: string): string {
  if (e instanceof TemplateRenderError) return `${at}: ${e.path}: ${e.message}`;
  return e.message;
}

function templateOf(generator: ApplicationSetGenerator): ApplicationSetTemplate | undefined {
  return (
    generator.list?.template ??
    generator.git?.template ??
    generator.clusters?.template ??
    generator.matrix?.template
  );
}

async function generatorParams(
  generator: ApplicationSetGenerator,
  options: RenderOptions,
  sources: GeneratorSources,
  at: string,
  interpolate: GeneratorParams | undefined,
): Promise<GeneratorParams[]> {
  // A matrix's second generator is rendered with each parameter set of the first (Argo CD's InterpolateGenerator).
  const g = interpolate ? renderTemplate(withoutTemplate(generator), interpolate, options) : generator;
  if (g.list) return listParams(g.list, options.goTemplate, `${at}.list`);
  if (g.git) return gitParams(g.git, options, sources, `${at}.git`);
  if (g.clusters) return clusterParams(g.clusters, await sources.clusters(), options);
  if (g.matrix) return matrixParams(g.matrix, options, sources, `${at}.matrix`);
  throw new GeneratorError(at, 'names no generator; use one of list, git, clusters, matrix');
}

function withoutTemplate(generator: ApplicationSetGenerator): ApplicationSetGenerator {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(generator)) {
    if (isPlainObject(value)) {
      const { template: _template, ...rest } = value;
      out[key] = rest;
    } else out[key] = value;
  }
  return out;
}

/** Argo CD's matrix: the cartesian product of two generators, the second seeing the first's parameters. */
async function matrixParams(
  matrix: MatrixGenerator,
  options: RenderOptions,
  sources: GeneratorSources,
  at: string,
): Promise<GeneratorParams[]> {
  const [first, second, ...more] = matrix.generators;
  if (!first || !second || more.length > 0)
    throw new GeneratorError(
      `${at}.generators`,
      `found ${matrix.generators.length} generators, Matrix support only two; give it exactly two`,
    );
  const out: GeneratorParams[] = [];
  for (const prev of await generatorParams(first, options, sources, `${at}.generators[0]`, undefined)) {
    const current = await generatorParams(second, options, sources, `${at}.generators[1]`, prev);
    for (const params of current) {
      if (out.length >= MAX_GENERATED_APPLICATIONS)
        throw new GeneratorError(
          at,
          `more than ${MAX_GENERATED_APPLICATIONS} parameter sets; narrow the generators (paths, elements, selector)`,
        );
      out.push(options.goTemplate ? mergePreferFirst(prev, params) : combineStringMaps(prev, params, at));
    }
  }
  return out;
}

/** Argo CD's `utils.CombineStringMaps`: a key in both with different values is an error. */
function combineStringMaps(a: GeneratorParams, b: GeneratorParams, at: string): GeneratorParams {
  const out: GeneratorParams = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (Object.hasOwn(out, key) && out[key] !== value)
      throw new GeneratorError(
        at,
        `found duplicate key ${key} with different value, a: ${String(out[key])} ,b: ${String(value)}; rename the parameter in one of the two generators`,
      );
    out[key] = value;
  }
  return out;
}

/** `mergo.Merge(&tmp, prev); mergo.Merge(&tmp, current)`: what the first generator set is kept. */
function mergePreferFirst(first: GeneratorParams, second: GeneratorParams): GeneratorParams {
  const out: GeneratorParams = { ...first };
  for (const [key, value] of Object.entries(second)) {
    const existing = out[key];
    if (isPlainObject(existing) && isPlainObject(value)) out[key] = mergePreferFirst(existing, value);
    else if (existing === undefined || existing === null || existing === '') out[key] = value;
  }
  return out;
}

/**
 * The rendered template as an Application: owned by the ApplicationSet, and with Argo CD's resources
 * finalizer (cascade deletion) unless the template names finalizers or the set preserves resources
 * on deletion.
 */
function toApplication(template: ApplicationSetTemplate, appSet: ApplicationSet): Record<string, unknown> {
  const metadata = { ...(template.metadata ?? {}) };
  const preserve = appSet.spec.syncPolicy?.preserveResourcesOnDeletion === true;
  if (!preserve && (metadata.finalizers ?? []).length === 0) metadata.finalizers = [RESOURCES_FINALIZER];
  metadata.annotations = {
    ...(metadata.annotations ?? {}),
    [APPLICATION_SET_ANNOTATION]: appSet.metadata.name,
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata,
    spec: template.spec ?? {},
  };
}
