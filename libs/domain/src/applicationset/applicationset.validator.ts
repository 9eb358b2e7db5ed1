import { constant, objectMetaCheck } from '../application/application.validator';
import {
  boolean,
  checkObject,
  integer,
  isPlainObject,
  listOf,
  object,
  quote,
  string,
  stringMap,
  anyMap,
  type FieldCheck,
  type PlainObject,
} from '../application/field-checks';
import { IssueCollector, type Issue } from '../application/validation-issue';
import {
  APPLICATION_SET_API_VERSION,
  APPLICATION_SET_KIND,
  APPLICATIONS_SYNC_POLICIES,
  type ApplicationSet,
} from './applicationset.types';
import { checkGlob, GlobPatternError } from './path-glob';

export type ApplicationSetValidationResult =
  | { ok: true; applicationSet: ApplicationSet; warnings: Issue[] }
  | { ok: false; errors: Issue[]; warnings: Issue[] };

/** A field Argo CD has and Berth does not support yet: refused, never silently ignored. */
function notSupported(what: string): FieldCheck {
  return (_value, path, issues) =>
    issues.error(
      path,
      `${what} is not supported by Berth yet`,
      'remove it (docs/applicationsets.md lists what works)',
    );
}

const UNSUPPORTED_GENERATORS: Record<string, string> = {
  scmProvider: 'the SCM provider generator',
  pullRequest: 'the pull request generator',
  plugin: 'the plugin generator',
  merge: 'the merge generator',
  clusterDecisionResource: 'the cluster decision resource generator',
};

const GENERATOR_NAMES = ['list', 'git', 'clusters', 'matrix'];

/** A path inside the repository: relative, no ".." segment, a valid glob. */
const repoPathGlob = string((text, path, issues) => {
  if (text.startsWith('/') || /^[a-zA-Z]:/.test(text))
    issues.error(
      path,
      `${quote(text)} is absolute`,
      'write a path relative to the repository root, e.g. "apps/*"',
    );
  else if (text.split('/').includes('..'))
    issues.error(
      path,
      `${quote(text)} leaves the repository ("..")`,
      'write a path inside the repository, e.g. "apps/*"',
    );
  else if (text.includes('\0')) issues.error(path, 'contains a NUL character', 'remove it');
  else
    try {
      checkGlob(text);
    } catch (e) {
      if (e instanceof GlobPatternError) issues.error(path, e.message, 'close the "[" or escape it as "\\["');
      else throw e;
    }
});

const pathItem = object({
  fields: { path: repoPathGlob, exclude: boolean },
  required: { path: 'add path: a glob such as "apps/*"' },
});

const templateCheck = object({
  fields: {
    metadata: object({
      fields: {
        name: string(),
        namespace: string(),
        labels: stringMap,
        annotations: stringMap,
        finalizers: listOf(string()),
      },
    }),
    spec: anyMap,
  },
});

const selectorCheck = object({
  fields: {
    matchLabels: stringMap,
    matchExpressions: listOf(
      object({
        fields: {
          key: string(),
          operator: string((text, path, issues) => {
            if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(text))
              issues.error(
                path,
                `${quote(text)} is not an operator`,
                'use In, NotIn, Exists or DoesNotExist',
              );
          }),
          values: listOf(string()),
        },
        required: {
          key: 'add key: the label name',
          operator: 'add operator: In, NotIn, Exists or DoesNotExist',
        },
      }),
    ),
  },
});

function generatorCheck(goTemplate: boolean, depth: number): FieldCheck {
  const fields: Record<string, FieldCheck> = {
    list: object({
      fields: {
        elements: listOf((value, path, issues) => {
          if (!isPlainObject(value)) {
            issues.error(path, 'expected a map', 'write each element as key: value pairs');
            return;
          }
          if (goTemplate) return;
          for (const [key, entry] of Object.entries(value)) {
            if (key === 'values' && isPlainObject(entry)) stringMap(entry, `${path}.values`, issues);
            else if (typeof entry !== 'string')
              issues.error(
                `${path}.${key}`,
                'expected a string (without goTemplate, list values must be strings)',
                'quote it, or set spec.goTemplate: true',
              );
          }
        }),
        elementsYaml: notSupported('list.elementsYaml'),
        template: templateCheck,
      },
      required: { elements: 'add elements: a list of maps, one per Application' },
    }),
    git: object({
      fields: {
        repoURL: string(),
        revision: string(),
        directories: listOf(pathItem),
        files: listOf(pathItem),
        pathParamPrefix: string(),
        values: stringMap,
        requeueAfterSeconds: integer({ min: 0 }),
        template: templateCheck,
      },
      required: {
        repoURL: 'add repoURL: the Git repository to read',
        revision: 'add revision: a branch, tag or commit, e.g. HEAD',
      },
      rules: (git, path, issues) => {
        const dirs = Array.isArray(git['directories']) && git['directories'].length > 0;
        const files = Array.isArray(git['files']) && git['files'].length > 0;
        if (dirs === files)
          issues.error(
            path,
            dirs ? 'has both directories and files' : 'has neither directories nor files',
            'give exactly one of them',
          );
      },
    }),
    clusters: object({
      fields: { selector: selectorCheck, values: stringMap, template: templateCheck },
    }),
    selector: notSupported('a post selector on a generator (generators[].selector)'),
  };
  if (depth < 2)
    fields['matrix'] = object({
      fields: {
        generators: listOf(generatorCheck(goTemplate, depth + 1)),
        template: templateCheck,
      },
      required: { generators: 'add generators: the two generators to combine' },
      rules: (matrix, path, issues) => {
        const children = matrix['generators'];
        if (Array.isArray(children) && children.length !== 2)
          issues.error(
            `${path}.generators`,
            `found ${children.length} generators, Matrix support only two`,
            'give exactly two generators',
          );
      },
    });
  else fields['matrix'] = notSupported('a matrix nested more than two levels');
  for (const [key, what] of Object.entries(UNSUPPORTED_GENERATORS)) fields[key] = notSupported(what);
  return object({
    fields,
    rules: (generator, path, issues) => {
      const named = Object.keys(generator).filter((k) => k !== 'selector' && generator[k] !== null);
      if (named.length === 0)
        issues.error(path, 'names no generator', `use one of ${GENERATOR_NAMES.join(', ')}`);
      else if (named.length > 1)
        issues.error(
          path,
          `names ${named.length} generators (${named.join(', ')})`,
          'write each as its own list item',
        );
    },
  });
}

/**
 * Checks an ApplicationSet (parsed YAML/JSON) as Argo CD's CRD and controller do, and refuses what
 * Berth does not support yet (progressive syncs, templatePatch, other generators) naming the field.
 * Every problem at once, each naming the field and the fix. Templates are checked for shape only:
 * the Applications they render are validated by Berth's Application validator when generated.
 */
export function validateApplicationSet(input: unknown): ApplicationSetValidationResult {
  const issues = new IssueCollector();
  const goTemplate =
    isPlainObject(input) && isPlainObject(input['spec']) && input['spec']['goTemplate'] === true;
  checkObject(input, '', issues, {
    fields: {
      apiVersion: constant(APPLICATION_SET_API_VERSION, `write apiVersion: ${APPLICATION_SET_API_VERSION}`),
      kind: constant(APPLICATION_SET_KIND, `write kind: ${APPLICATION_SET_KIND}`),
      metadata: objectMetaCheck(APPLICATION_SET_KIND),
      spec: object({
        fields: {
          goTemplate: boolean,
          goTemplateOptions: listOf(
            string((text, path, issues) => {
              if (!/^missingkey=(default|invalid|zero|error)$/.test(text))
                issues.error(
                  path,
                  `${quote(text)} is not a template option`,
                  'use "missingkey=error" (or default, zero, invalid)',
                );
            }),
          ),
          generators: listOf(generatorCheck(goTemplate, 1)),
          template: templateCheck,
          syncPolicy: object({
            fields: {
              applicationsSync: string((text, path, issues) => {
                if (!(APPLICATIONS_SYNC_POLICIES as readonly string[]).includes(text))
                  issues.error(
                    path,
                    `${quote(text)} is not a policy`,
                    `use one of ${APPLICATIONS_SYNC_POLICIES.join(', ')}`,
                  );
              }),
              preserveResourcesOnDeletion: boolean,
            },
          }),
          strategy: notSupported('progressive syncs (spec.strategy)'),
          templatePatch: notSupported('spec.templatePatch'),
          ignoreApplicationDifferences: notSupported('spec.ignoreApplicationDifferences'),
          preservedFields: notSupported('spec.preservedFields'),
          applyNestedSelectors: notSupported('spec.applyNestedSelectors'),
        },
        required: {
          generators: 'add generators: a list with at least one generator (list, git, clusters, matrix)',
          template: 'add template: the Application to generate, with metadata.name and spec',
        },
        rules: (spec: PlainObject, path, issues) => {
          if (Array.isArray(spec['generators']) && spec['generators'].length === 0)
            issues.error(
              `${path}.generators`,
              'is empty',
              'add at least one generator (list, git, clusters, matrix)',
            );
        },
      }),
      status: anyMap,
    },
    required: {
      apiVersion: `add apiVersion: ${APPLICATION_SET_API_VERSION}`,
      kind: `add kind: ${APPLICATION_SET_KIND}`,
      metadata: 'add metadata with a name',
      spec: 'add spec with generators and template',
    },
  });
  if (issues.errors.length > 0) return { ok: false, errors: issues.errors, warnings: issues.warnings };
  const { status: _status, ...rest } = input as PlainObject;
  const metadata = { ...(rest['metadata'] as PlainObject) };
  for (const serverField of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields'])
    delete metadata[serverField];
  return {
    ok: true,
    applicationSet: { ...rest, metadata } as unknown as ApplicationSet,
    warnings: issues.warnings,
  };
}
