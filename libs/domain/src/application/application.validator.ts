import {
  ARGO_CD_APPLICATION_DEFAULTS,
  applyApplicationDefaults,
  type ApplicationDefaults,
} from './application.defaults';
import { checkSourceRefs, sourceCheck } from './application-source.checks';
import { APPLICATION_API_VERSION, APPLICATION_KIND, type Application } from './application.types';
import { isDns1123Label, isDns1123Subdomain, suggestDnsName } from './dns-name';
import {
  anyMap,
  anything,
  boolean,
  checkObject,
  integer,
  isPlainObject,
  listOf,
  object,
  quote,
  string,
  stringMap,
  type FieldCheck,
  type ObjectShape,
  type PlainObject,
} from './field-checks';
import { cloneJson } from './json-clone';
import { checkPluginNames } from '../plugins/config-management-plugin';
import { syncPolicyCheck } from './sync-policy.checks';
import { ValidationFailedError } from './validation-failed.error';
import { childPath, IssueCollector, type Issue } from './validation-issue';

export interface ValidateApplicationOptions {
  /** Overrides of the defaults written into the returned Application (see ApplicationDefaults). */
  defaults?: Partial<ApplicationDefaults>;
  /**
   * The config management plugins the operator configured (`<name>-<version>` or `<name>`). When given, a
   * source's `plugin.name` must be one of them, and a `plugin` block needs one at all.
   */
  plugins?: readonly string[];
}

export type ApplicationValidationResult =
  | { ok: true; application: Application; warnings: Issue[] }
  | { ok: false; errors: Issue[]; warnings: Issue[] };

export function constant(expected: string, fix: string): FieldCheck {
  return string((text, path, issues) => {
    if (text !== expected) issues.error(path, `expected ${quote(expected)}, got ${quote(text)}`, fix);
  });
}

export const subdomainName = string((text, path, issues) => {
  if (!isDns1123Subdomain(text)) {
    issues.error(
      path,
      `${quote(text)} is not a valid name`,
      `use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, e.g. ${quote(suggestDnsName(text, true, 253))}`,
    );
  }
});

export const namespaceName = string((text, path, issues) => {
  if (!isDns1123Label(text)) {
    issues.error(
      path,
      `${quote(text)} is not a valid namespace name`,
      `use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit, e.g. ${quote(suggestDnsName(text, false, 63))}`,
    );
  }
});

/** ObjectMeta as Kubernetes writes it; the server-set fields are accepted so exported objects validate. */
export function objectMetaCheck(kind: string): FieldCheck {
  return object({
    fields: {
      name: subdomainName,
      namespace: namespaceName,
      labels: stringMap,
      annotations: stringMap,
      finalizers: listOf(string()),
      uid: string(),
      resourceVersion: string(),
      generation: integer(),
      creationTimestamp: string(),
      deletionTimestamp: string(),
      deletionGracePeriodSeconds: integer(),
      generateName: string(),
      managedFields: listOf(anything),
      ownerReferences: listOf(anything),
    },
    required: { name: `name the ${kind}, e.g. "my-app"` },
  });
}

const destinationCheck = object({
  fields: {
    server: string((text, path, issues) => {
      if (!/^https?:\/\/[^\s/]+/i.test(text)) {
        issues.error(
          path,
          `${quote(text)} is not an API server URL`,
          'use e.g. https://kubernetes.default.svc, or set name to a cluster name instead',
        );
      }
    }),
    name: string(),
    namespace: namespaceName,
  },
  rules: (destination, path, issues) => {
    const hasServer = typeof destination.server === 'string' && destination.server !== '';
    const hasName = typeof destination.name === 'string' && destination.name !== '';
    if (hasServer && hasName) {
      issues.error(
        path,
        'both server and name are set',
        'Argo CD accepts one: keep server (the API server URL) or name (the cluster name)',
      );
    } else if (!hasServer && !hasName) {
      issues.error(
        childPath(path, 'server'),
        'required field is missing',
        'set server (e.g. https://kubernetes.default.svc) or name (a cluster name)',
      );
    }
  },
});

const jsonPointer = string((text, path, issues) => {
  if (!text.startsWith('/')) {
    const suggestion = `/${text.replace(/^\.+/, '').replace(/\./g, '/')}`;
    issues.error(
      path,
      `${quote(text)} is not a JSON pointer`,
      `JSON pointers start with "/": write ${quote(suggestion)}`,
    );
  } else if (/~(?![01])/.test(text)) {
    issues.error(
      path,
      `${quote(text)} has a "~" that is not "~0" or "~1"`,
      'escape "~" as "~0" and "/" inside a key as "~1"',
    );
  }
});

const ignoreDifferencesEntry = object({
  fields: {
    group: string(),
    kind: string(),
    name: string(),
    namespace: string(),
    jsonPointers: listOf(jsonPointer),
    jqPathExpressions: listOf(string()),
    managedFieldsManagers: listOf(string()),
  },
  required: { kind: 'name the kind to ignore differences in, e.g. Deployment' },
  rules: (entry, path, issues) => {
    const lists = ['jsonPointers', 'jqPathExpressions', 'managedFieldsManagers'];
    const hasAny = lists.some((list) => Array.isArray(entry[list]) && entry[list].length > 0);
    if (!hasAny) {
      issues.error(
        path,
        `none of ${lists.join(', ')} is set`,
        'list what to ignore, e.g. jsonPointers: ["/spec/replicas"]',
      );
    }
  },
});

function specRules(spec: PlainObject, path: string, issues: IssueCollector): void {
  const hasSource = spec.source !== undefined && spec.source !== null;
  const hasSources = spec.sources !== undefined && spec.sources !== null;
  if (hasSource && hasSources) {
    issues.error(
      path,
      'both source and sources are set',
      'keep sources for several sources, or source for one',
    );
  } else if (!hasSource && !hasSources) {
    issues.error(
      childPath(path, 'source'),
      'required field is missing',
      'set spec.source for one source, or spec.sources for several',
    );
  } else if (Array.isArray(spec.sources) && spec.sources.length === 0) {
    issues.error(childPath(path, 'sources'), 'is empty', 'list at least one source, or use spec.source');
  }
  if (Array.isArray(spec.sources)) checkSourceRefs(spec.sources, childPath(path, 'sources'), issues);
}

const specCheck = object({
  fields: {
    project: subdomainName,
    source: sourceCheck(false),
    sources: listOf(sourceCheck(true)),
    destination: destinationCheck,
    syncPolicy: syncPolicyCheck,
    ignoreDifferences: listOf(ignoreDifferencesEntry),
    revisionHistoryLimit: integer({ min: 0 }),
    info: listOf(
      object({
        fields: { name: string(), value: string() },
        required: { name: 'give the entry a name', value: 'give the entry a value' },
      }),
    ),
    // Seed extensions (see SeedApplicationExtensions): stored as written, given meaning later.
    healthChecks: listOf(anyMap),
    retryHistoryLimit: integer({ min: 0 }),
    requiresApproval: boolean,
  },
  required: { destination: 'set destination.server (or destination.name) and destination.namespace' },
  foreign: {
    resourceOverrides: {
      message: 'not an Application field (the seed article proposes it in §5.4); kept but has no effect',
      fix: 'Argo CD configures resource overrides in the argocd-cm ConfigMap (resource.customizations)',
    },
    sourceHydrator: {
      message: 'Berth does not support source hydration; kept but has no effect',
      fix: 'use spec.source or spec.sources',
    },
  },
  rules: specRules,
});

const applicationShape: ObjectShape = {
  fields: {
    apiVersion: constant(APPLICATION_API_VERSION, `use "${APPLICATION_API_VERSION}"`),
    kind: constant(APPLICATION_KIND, 'this validator reads Applications only'),
    metadata: objectMetaCheck('Application'),
    spec: specCheck,
    status: anyMap,
    operation: anyMap,
  },
  required: {
    apiVersion: `set apiVersion: ${APPLICATION_API_VERSION}`,
    kind: `set kind: ${APPLICATION_KIND}`,
    metadata: 'set metadata.name',
    spec: 'set spec.source, spec.destination and spec.project',
  },
};

/**
 * Validates an already-parsed Argo CD Application (from YAML or JSON) and reports every problem at once.
 * On success the returned Application is a copy of the input with Argo CD's defaults written in
 * (see ApplicationDefaults) and every unknown field kept; unknown fields are warnings, never errors.
 */
export function validateApplication(
  input: unknown,
  options: ValidateApplicationOptions = {},
): ApplicationValidationResult {
  const issues = new IssueCollector();
  checkObject(input, '', issues, applicationShape);
  if (options.plugins !== undefined && isPlainObject(input) && isPlainObject(input.spec)) {
    const { source, sources } = input.spec;
    const listed = Array.isArray(sources)
      ? sources.map((entry, i) => ({ path: `spec.sources[${i}]`, source: entry as unknown }))
      : [{ path: 'spec.source', source }];
    checkPluginNames(listed, options.plugins, issues);
  }
  if (issues.errors.length > 0 || !isPlainObject(input)) {
    return { ok: false, errors: issues.errors, warnings: issues.warnings };
  }
  const defaults = { ...ARGO_CD_APPLICATION_DEFAULTS, ...options.defaults };
  const application = applyApplicationDefaults(cloneJson(input) as unknown as Application, defaults);
  return { ok: true, application, warnings: issues.warnings };
}

/** validateApplication for callers that cannot go on without a valid Application (e.g. a job processor). */
export function assertValidApplication(
  input: unknown,
  options: ValidateApplicationOptions = {},
): Application {
  const result = validateApplication(input, options);
  if (result.ok) return result.application;
  const metadata = isPlainObject(input) && isPlainObject(input.metadata) ? input.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  throw new ValidationFailedError(APPLICATION_KIND, name, result.errors);
}
