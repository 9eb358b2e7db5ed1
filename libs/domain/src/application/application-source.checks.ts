import {
  anyMap,
  boolean,
  isPlainObject,
  listOf,
  object,
  quote,
  string,
  stringMap,
  type FieldCheck,
  type PlainObject,
} from './field-checks';
import { isDns1123Label } from './dns-name';
import { parseKustomizeImage } from './kustomize-image';
import { depthBelowRoot, levelsAboveStart } from './repo-path';
import { hasEmbeddedCredentials, isGitRepoUrl, isHelmRepoUrl } from './repo-url';
import {
  HELM_RELEASE_NAME_MAX_LENGTH,
  isApiVersion,
  isHelmChartName,
  isHelmReleaseName,
  isHelmFilePath,
  isHelmValueKey,
  isJsonnetIdentifier,
  isKubeVersion,
  isLabelValue,
  isNameAffix,
  isOptionLikeUrl,
  isQualifiedName,
  isTargetRevision,
  isToolVersion,
} from './tool-argument-grammar';
import { childPath, indexPath, type IssueCollector } from './validation-issue';

/** `$<ref>/<path>`: a file read from the source whose `ref` is <ref>. */
const REF_FILE = /^\$([^/]*)\/(.*)$/;
const REF_NAME = /^[A-Za-z0-9_-]+$/;
const URL_FILE = /^https?:\/\//i;

function checkRelativePath(text: string, path: string, issues: IssueCollector, startDepth = 0): void {
  if (text.startsWith('/')) {
    issues.error(
      path,
      `${quote(text)} is an absolute path`,
      `paths are relative to the repository root: write ${quote(text.replace(/^\/+/, '') || '.')}`,
    );
    return;
  }
  if (levelsAboveStart(text) > startDepth) {
    issues.error(
      path,
      `${quote(text)} leaves the repository through ".."`,
      'keep the path inside the repository',
    );
  }
}

/** A string field checked by a grammar from tool-argument-grammar.ts. */
function grammar(test: (text: string) => boolean, what: string, fix: string): FieldCheck {
  return string((text, path, issues) => {
    if (!test(text)) issues.error(path, `${quote(text)} is not ${what}`, fix);
  });
}

const helmValueKey = grammar(
  isHelmValueKey,
  'a Helm value name',
  'use a dotted path such as "image.tag" without "=" or ","; Helm would split the value there',
);
const kubeVersion = grammar(isKubeVersion, 'a Kubernetes version', 'write it as "1.34" or "v1.34.1"');
const apiVersion = grammar(
  isApiVersion,
  'an API version',
  'write it as "v1", "apps/v1" or "group/version/Kind"',
);
const namespaceLabel = string((text, path, issues) => {
  if (!isDns1123Label(text)) {
    issues.error(path, `${quote(text)} is not a namespace name`, 'use lowercase letters, digits and "-"');
  }
});

/** Label keys and values as the API server checks them (kustomize copies commonLabels into selectors too). */
const labelMap: FieldCheck = (value, path, issues) => {
  stringMap(value, path, issues);
  if (!isPlainObject(value)) return;
  for (const [key, entry] of Object.entries(value)) {
    if (!isQualifiedName(key)) {
      issues.error(
        childPath(path, key),
        `${quote(key)} is not a label key`,
        'use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "."',
      );
    } else if (typeof entry === 'string' && !isLabelValue(entry)) {
      issues.error(
        childPath(path, key),
        `${quote(entry)} is not a label value`,
        'use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      );
    }
  }
};

const annotationMap: FieldCheck = (value, path, issues) => {
  stringMap(value, path, issues);
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (!isQualifiedName(key)) {
      issues.error(
        childPath(path, key),
        `${quote(key)} is not an annotation key`,
        'use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "."',
      );
    }
  }
};

const jsonnetVar = object({
  fields: {
    name: grammar(
      isJsonnetIdentifier,
      'a Jsonnet identifier',
      'use letters, digits and "_", not starting with a digit (std.extVar and function parameters read it by that name)',
    ),
    value: string(),
    code: boolean,
  },
  required: { name: 'give the variable a name', value: 'give the variable a value' },
});

/** Jsonnet library paths (`-J`): relative to the repository root, as in Argo CD. */
const jsonnetLibs = listOf(
  string((text, path, issues) => {
    checkRelativePath(text, path, issues);
  }),
);

const directory = object({
  fields: {
    recurse: boolean,
    include: string(),
    exclude: string(),
    jsonnet: object({
      fields: { extVars: listOf(jsonnetVar), tlas: listOf(jsonnetVar), libs: jsonnetLibs },
    }),
  },
});

const helmParameter = object({
  fields: { name: helmValueKey, value: string(), forceString: boolean },
  required: { name: 'name the Helm value to set, e.g. "image.tag"' },
});

const helm = object({
  fields: {
    valueFiles: listOf(string()),
    values: string(),
    valuesObject: anyMap,
    parameters: listOf(helmParameter),
    fileParameters: listOf(
      object({
        fields: { name: helmValueKey, path: string() },
        required: { name: 'name the Helm value to set', path: 'give the file to read the value from' },
      }),
    ),
    releaseName: grammar(
      isHelmReleaseName,
      'a Helm release name',
      `use at most ${HELM_RELEASE_NAME_MAX_LENGTH} lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (Helm's rule)`,
    ),
    ignoreMissingValueFiles: boolean,
    skipCrds: boolean,
    skipSchemaValidation: boolean,
    skipTests: boolean,
    passCredentials: boolean,
    version: string((text, path, issues) => {
      if (text !== 'v3' && text !== 'v2')
        issues.error(path, `${quote(text)} is not a Helm version`, 'use "v3"');
    }),
    namespace: namespaceLabel,
    kubeVersion,
    apiVersions: listOf(apiVersion),
  },
  rules: (helmObject, path, issues) => {
    if (helmObject.values !== undefined && helmObject.valuesObject !== undefined) {
      issues.warn(
        childPath(path, 'values'),
        'ignored because valuesObject is also set',
        'keep one of the two',
      );
    }
  },
});

/** Argo CD's KustomizePatch: a file (`path`) or inline text (`patch`), an optional target selector. */
const kustomizePatch = object({
  fields: {
    path: string(),
    patch: string(),
    target: object({
      fields: {
        group: string(),
        version: string(),
        kind: string(),
        name: string(),
        namespace: string(),
        labelSelector: string(),
        annotationSelector: string(),
      },
    }),
    options: object({ fields: { allowNameChange: boolean, allowKindChange: boolean } }),
  },
  rules: (patch, path, issues) => {
    if (!patch.path && !patch.patch)
      issues.error(
        path,
        'has neither path nor patch',
        'give the patch file (path) or the patch itself (patch)',
      );
    if (typeof patch.path === 'string') {
      const patchPath = childPath(path, 'path');
      if (patch.path.startsWith('/') || levelsAboveStart(patch.path) > 0)
        issues.error(
          patchPath,
          `${quote(patch.path)} is outside the kustomization directory`,
          'kustomize loads patch files only from the kustomization directory and below: give a path relative to spec.source.path',
        );
    }
  },
});

/** `$VAR` / `${VAR}` of the build environment, replaced before an image override is parsed. */
const BUILD_VARIABLE = /\$\{[^}]*\}|\$[A-Za-z0-9_]+/g;

const kustomize = object({
  fields: {
    images: listOf(
      string((text, path, issues) => {
        if (parseKustomizeImage(text.replace(BUILD_VARIABLE, 'x')) === undefined) {
          issues.error(
            path,
            `${quote(text)} is not an image override`,
            'write "name=newName:tag", "name:tag" or "name@sha256:<digest>"',
          );
        }
      }),
    ),
    namePrefix: grammar(isNameAffix, 'a name prefix', 'use lowercase letters, digits, "-" and "."'),
    nameSuffix: grammar(isNameAffix, 'a name suffix', 'use lowercase letters, digits, "-" and "."'),
    commonLabels: labelMap,
    commonAnnotations: annotationMap,
    commonAnnotationsEnvsubst: boolean,
    namespace: namespaceLabel,
    replicas: listOf(
      object({
        fields: {
          name: string(),
          count: (value, path, issues) => {
            const ok =
              (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
              (typeof value === 'string' && /^\d+$/.test(value));
            if (!ok)
              issues.error(path, `expected a replica count (an integer >= 0), got ${quote(String(value))}`);
          },
        },
        required: {
          name: 'name the Deployment or StatefulSet to scale',
          count: 'give the number of replicas',
        },
      }),
    ),
    version: grammar(
      isToolVersion,
      'a kustomize version',
      'name a configured kustomize version, e.g. "v5.7.1"',
    ),
    forceCommonLabels: boolean,
    forceCommonAnnotations: boolean,
    labelWithoutSelector: boolean,
    labelIncludeTemplates: boolean,
    patches: listOf(kustomizePatch),
    components: listOf(string()),
    ignoreMissingComponents: boolean,
    kubeVersion,
    apiVersions: listOf(apiVersion),
  },
  rules: (kustomizeObject, path, issues) => {
    if (kustomizeObject.labelIncludeTemplates === true && kustomizeObject.labelWithoutSelector !== true) {
      issues.error(
        childPath(path, 'labelIncludeTemplates'),
        'needs labelWithoutSelector: true',
        'kustomize adds labels to pod templates only when they are kept out of selectors',
      );
    }
    for (const field of ['kubeVersion', 'apiVersions'] as const) {
      if (kustomizeObject[field] !== undefined && kustomizeObject[field] !== null)
        issues.warn(
          childPath(path, field),
          'has no effect: Berth runs kustomize without --enable-helm, and these only reach its Helm chart inflation',
          `remove ${field}`,
        );
    }
  },
});

/** A value that becomes an environment variable of a plugin's commands: a NUL cannot be passed. */
const envValue = string((text, path, issues) => {
  if (text.includes('\u0000')) issues.error(path, 'holds a NUL character', 'remove it');
});

const plugin = object({
  fields: {
    name: string(),
    env: listOf(
      object({
        fields: {
          // Becomes ARGOCD_ENV_<name> in the plugin's environment.
          name: grammar(
            (text) => /^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(text),
            'an environment variable name',
            'use letters, digits and "_", not starting with a digit',
          ),
          value: envValue,
        },
        required: { name: 'name the variable' },
      }),
    ),
    parameters: listOf(
      object({
        fields: {
          name: envValue,
          string: envValue,
          array: listOf(envValue),
          map: (value, path, issues) => {
            stringMap(value, path, issues);
            if (!isPlainObject(value)) return;
            for (const [key, entry] of Object.entries(value)) {
              if (key.includes('\u0000') || (typeof entry === 'string' && entry.includes('\u0000')))
                issues.error(childPath(path, key), 'holds a NUL character', 'remove it');
            }
          },
        },
        required: { name: 'name the parameter' },
      }),
    ),
  },
});

const TOOLS = ['helm', 'kustomize', 'directory', 'plugin'] as const;

function sourceRules(multiSource: boolean) {
  return (source: PlainObject, path: string, issues: IssueCollector): void => {
    const { repoURL, chart, targetRevision } = source;
    const hasChart = typeof chart === 'string' && chart !== '';
    if (typeof repoURL === 'string' && repoURL !== '') {
      const repoPath = childPath(path, 'repoURL');
      if (isOptionLikeUrl(repoURL)) {
        issues.error(
          repoPath,
          `${quote(repoURL)} starts with "-" (or names a host that does), which git and helm would read as an option`,
          'give the repository URL, e.g. https://host/org/repo.git',
        );
      } else if (hasEmbeddedCredentials(repoURL)) {
        issues.error(
          repoPath,
          'contains credentials',
          'remove them from the URL and store them in a repository secret',
        );
      } else if (hasChart && !isHelmRepoUrl(repoURL)) {
        issues.error(
          repoPath,
          `${quote(repoURL)} is not a Helm repository URL`,
          'a chart comes from an https:// or oci:// Helm repository',
        );
      } else if (!hasChart && !isGitRepoUrl(repoURL)) {
        issues.error(
          repoPath,
          `${quote(repoURL)} is not a Git repository URL`,
          'use https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git (or set chart for a Helm repository)',
        );
      }
    }
    if (hasChart && !isHelmChartName(chart)) {
      issues.error(
        childPath(path, 'chart'),
        `${quote(chart)} is not a chart name`,
        'use the chart name as the repository lists it: letters, digits, "-", "_" and ".", starting with a letter or digit',
      );
    }
    if (typeof targetRevision === 'string' && !isTargetRevision(targetRevision)) {
      issues.error(
        childPath(path, 'targetRevision'),
        `${quote(targetRevision)} is not a branch, tag, commit or version`,
        'a revision does not start with "-" nor hold control characters',
      );
    }
    if (hasChart && (targetRevision === undefined || targetRevision === null || targetRevision === '')) {
      issues.error(
        childPath(path, 'targetRevision'),
        'required when chart is set',
        'set the chart version, e.g. "1.2.3" or a range such as "1.2.*"',
      );
    }
    if (hasChart && typeof source.path === 'string' && source.path !== '') {
      issues.warn(
        childPath(path, 'path'),
        'ignored when chart is set',
        'remove path, or remove chart to read a directory',
      );
    }
    if (typeof source.path === 'string') checkRelativePath(source.path, childPath(path, 'path'), issues);
    if (source.ref !== undefined && source.ref !== null) {
      if (!multiSource) {
        issues.warn(
          childPath(path, 'ref'),
          'only has a meaning in spec.sources',
          'remove ref, or move the source into spec.sources',
        );
      } else if (typeof source.ref === 'string' && !REF_NAME.test(source.ref)) {
        issues.error(
          childPath(path, 'ref'),
          `${quote(source.ref)} is not a ref name`,
          'use letters, digits, "-" and "_"',
        );
      }
    }
    const tools = TOOLS.filter((tool) => source[tool] !== undefined && source[tool] !== null);
    if (tools.length > 1) {
      issues.error(
        path,
        `${tools.join(' and ')} are all set`,
        'a source is rendered by one tool: keep one of them',
      );
    } else if (hasChart && tools[0] !== undefined && tools[0] !== 'helm') {
      issues.error(
        childPath(path, tools[0]),
        'cannot be used with a Helm chart',
        `remove ${tools[0]}, or remove chart`,
      );
    }
    checkValueFilePaths(source, path, issues, multiSource);
  };
}

/**
 * Files the tools read relative to `path` (helm fileParameters, kustomize components): inside the
 * repository, and for `--set-file` free of the characters Helm's value syntax would split on.
 */
function checkToolFilePaths(source: PlainObject, path: string, issues: IssueCollector): void {
  const sourceDepth = typeof source.path === 'string' ? depthBelowRoot(source.path) : 0;
  const helmObject = source.helm;
  if (isPlainObject(helmObject) && Array.isArray(helmObject.fileParameters)) {
    helmObject.fileParameters.forEach((parameter, index) => {
      if (!isPlainObject(parameter) || typeof parameter.path !== 'string') return;
      const filePath = childPath(
        indexPath(childPath(childPath(path, 'helm'), 'fileParameters'), index),
        'path',
      );
      if (!isHelmFilePath(parameter.path)) {
        issues.error(
          filePath,
          `${quote(parameter.path)} holds ",", "\\" or a quote, which Helm's --set-file would split or unescape`,
          'rename the file',
        );
      } else if (URL_FILE.test(parameter.path)) {
        issues.error(filePath, `${quote(parameter.path)} is a URL`, 'commit the file to the repository');
      } else checkRelativePath(parameter.path, filePath, issues, sourceDepth);
    });
  }
  const kustomizeObject = source.kustomize;
  if (isPlainObject(kustomizeObject) && Array.isArray(kustomizeObject.components)) {
    kustomizeObject.components.forEach((component, index) => {
      if (typeof component !== 'string') return;
      const componentPath = indexPath(childPath(childPath(path, 'kustomize'), 'components'), index);
      if (/^[a-z][a-z0-9+.-]*:/i.test(component) || /^[a-z][a-z0-9-]*@/i.test(component)) {
        issues.error(
          componentPath,
          `${quote(component)} is a remote reference`,
          'give a directory of this repository, relative to the source path',
        );
      } else checkRelativePath(component, componentPath, issues, sourceDepth);
    });
  }
}

function checkValueFilePaths(
  source: PlainObject,
  path: string,
  issues: IssueCollector,
  multiSource: boolean,
): void {
  checkToolFilePaths(source, path, issues);
  const helmObject = source.helm;
  if (!isPlainObject(helmObject) || !Array.isArray(helmObject.valueFiles)) return;
  const sourceDepth = typeof source.path === 'string' ? depthBelowRoot(source.path) : 0;
  helmObject.valueFiles.forEach((file, index) => {
    if (typeof file !== 'string' || URL_FILE.test(file)) return;
    const filePath = indexPath(childPath(childPath(path, 'helm'), 'valueFiles'), index);
    const refFile = REF_FILE.exec(file);
    if (!isHelmFilePath(file)) {
      issues.error(
        filePath,
        `${quote(file)} holds ",", "\\" or a quote: helm reads --values as a comma-separated list and would open a second file`,
        'rename the file',
      );
    } else if (refFile === null) {
      checkRelativePath(file, filePath, issues, sourceDepth);
    } else if (!multiSource) {
      issues.error(
        filePath,
        `${quote(file)} reads from another source`,
        'a $ref value file needs spec.sources',
      );
    } else {
      checkRelativePath(refFile[2] ?? '', filePath, issues);
    }
  });
}

/** The check for one entry of `spec.source` (multiSource false) or `spec.sources` (true). */
export function sourceCheck(multiSource: boolean): FieldCheck {
  return object({
    fields: {
      repoURL: string(),
      targetRevision: string(),
      path: string(),
      chart: string(),
      ref: string(),
      name: string(),
      directory,
      helm,
      kustomize,
      plugin,
    },
    required: { repoURL: 'set the Git or Helm repository URL, e.g. https://github.com/org/repo.git' },
    rules: sourceRules(multiSource),
  });
}

/**
 * Across `spec.sources`: each ref name is used once, and each `$ref/...` value file names a ref that
 * exists. Argo CD resolves `$ref` against the sources of the same Application only.
 */
export function checkSourceRefs(sources: readonly unknown[], path: string, issues: IssueCollector): void {
  const refs = new Map<string, number>();
  sources.forEach((source, index) => {
    if (!isPlainObject(source) || typeof source.ref !== 'string' || source.ref === '') return;
    const first = refs.get(source.ref);
    if (first === undefined) refs.set(source.ref, index);
    else {
      issues.error(
        childPath(indexPath(path, index), 'ref'),
        `${quote(source.ref)} is already the ref of ${indexPath(path, first)}`,
        'give each source a different ref',
      );
    }
  });
  sources.forEach((source, index) => {
    if (!isPlainObject(source) || !isPlainObject(source.helm) || !Array.isArray(source.helm.valueFiles))
      return;
    source.helm.valueFiles.forEach((file, fileIndex) => {
      if (typeof file !== 'string') return;
      const refFile = REF_FILE.exec(file);
      if (refFile === null) return;
      const ref = refFile[1] ?? '';
      if (refs.has(ref)) return;
      const known = [...refs.keys()];
      issues.error(
        indexPath(childPath(childPath(indexPath(path, index), 'helm'), 'valueFiles'), fileIndex),
        `${quote(file)} names ref ${quote(ref)}, but no source in ${path} has that ref`,
        known.length === 0
          ? `add "ref: ${ref}" to the source that holds the file`
          : `use one of ${known.map((k) => `$${k}`).join(', ')}, or add "ref: ${ref}" to a source`,
      );
    });
  });
}
