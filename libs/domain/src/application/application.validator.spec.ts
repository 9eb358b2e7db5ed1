import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { deleteField, field, listField, mapField, setField } from '../testing/document-field';
import { revisionHistoryLimitOf } from './application.defaults';
import { assertValidApplication, validateApplication } from './application.validator';
import { ValidationFailedError } from './validation-failed.error';
import { formatIssue } from './validation-issue';

// Jest runs from the repository root (jest.config.mjs rootDir).
const testdata = join(process.cwd(), 'libs/domain/src/application/testdata');

function documents(file: string): unknown[] {
  return parseAllDocuments(readFileSync(join(testdata, file), 'utf8'))
    .map((doc) => doc.toJS() as unknown)
    .filter((value) => value !== null);
}

function only(file: string): unknown {
  const [first] = documents(file);
  return first;
}

/** A valid Application to break one field at a time (with setField, deleteField). */
function base(): unknown {
  return structuredClone(only('application.yaml'));
}

function errorsOf(input: unknown): string[] {
  const result = validateApplication(input);
  return result.ok ? [] : result.errors.map(formatIssue);
}

function warningsOf(input: unknown): string[] {
  return validateApplication(input).warnings.map(formatIssue);
}

describe('validateApplication: the seed examples', () => {
  it.each([
    ['application.yaml', 1],
    ['api-prod-application.yaml', 1],
    ['app-of-apps.yaml', 1],
    ['app-of-apps-children-values.yaml', 4],
    ['app-of-apps-children-values-dev.yaml', 4],
    ['app-of-apps-children-values-prod.yaml', 4],
  ])('%s: %d Application(s), valid, no warnings', (file, count) => {
    const docs = documents(file);
    expect(docs).toHaveLength(count);
    for (const doc of docs) {
      const result = validateApplication(doc);
      expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual([]);
      expect(result.warnings.map(formatIssue)).toEqual([]);
    }
  });

  // rollback-and-health.yaml holds spec excerpts (seed §5.2-5.4), not whole Applications: each is
  // completed with the rest of application.yaml, the way the article means them to be used.
  const [healthExcerpt, rollbackExcerpt] = documents('rollback-and-health.yaml');

  it('rollback-and-health.yaml §5.2/5.3: seed fields healthChecks and retryHistoryLimit are accepted and kept', () => {
    const app = base();
    setField(app, 'spec', { ...mapField(app, 'spec'), ...mapField(healthExcerpt, 'spec') });
    const result = validateApplication(app);
    expect(result.warnings).toEqual([]);
    if (!result.ok) throw new Error(result.errors.map(formatIssue).join('\n'));
    expect(result.application.spec.retryHistoryLimit).toBe(3);
    expect(result.application.spec.healthChecks?.[0]).toMatchObject({
      name: 'Deployment available',
      timeout: '3m',
    });
    expect(result.application.spec.ignoreDifferences?.[0]?.jsonPointers).toEqual(['/spec/replicas']);
  });

  it('rollback-and-health.yaml §5.4: valid; the non-Argo fields are warned about and kept', () => {
    const app = base();
    deleteField(app, 'spec.source');
    setField(app, 'spec', { ...mapField(app, 'spec'), ...mapField(rollbackExcerpt, 'spec') });
    const result = validateApplication(app);
    if (!result.ok) throw new Error(result.errors.map(formatIssue).join('\n'));
    expect(result.warnings.map((w) => w.path)).toEqual([
      'spec.syncPolicy.sourceOverrides',
      'spec.resourceOverrides',
    ]);
    expect(result.application).toMatchObject({
      spec: {
        resourceOverrides: { kind: 'Deployment' },
        syncPolicy: { sourceOverrides: [{ source: 'overlay' }] },
      },
    });
  });

  it('Berth syncPolicy.autoRollback is accepted without warnings; its healthTimeout must be a duration', () => {
    const app = base();
    setField(app, 'spec.syncPolicy', { automated: {}, autoRollback: { healthTimeout: '3m' } });
    expect(validateApplication(app)).toMatchObject({ ok: true, warnings: [] });
    setField(app, 'spec.syncPolicy', { autoRollback: { healthTimeout: 'soon' } });
    expect(errorsOf(app)).toEqual([
      'spec.syncPolicy.autoRollback.healthTimeout: "soon" is not a positive duration; use e.g. "3m", "90s"',
    ]);
  });

  it('seed §4.3 requiresApproval is accepted as a spec field and type-checked', () => {
    const app = base();
    setField(app, 'spec.requiresApproval', true);
    expect(validateApplication(app)).toMatchObject({ ok: true, warnings: [] });
    setField(app, 'spec.requiresApproval', 'yes');
    expect(errorsOf(app)).toEqual([
      'spec.requiresApproval: expected a boolean, got a string ("yes"); use true or false',
    ]);
  });
});

type Mutation = (app: unknown) => void;

describe('validateApplication: one bad field, one exact message', () => {
  const cases: [string, Mutation, string][] = [
    [
      'wrong apiVersion',
      (a) => setField(a, 'apiVersion', 'argoproj.io/v1beta1'),
      'apiVersion: expected "argoproj.io/v1alpha1", got "argoproj.io/v1beta1"; use "argoproj.io/v1alpha1"',
    ],
    [
      'wrong kind',
      (a) => setField(a, 'kind', 'ApplicationSet'),
      'kind: expected "Application", got "ApplicationSet"; this validator reads Applications only',
    ],
    [
      'missing name',
      (a) => deleteField(a, 'metadata.name'),
      'metadata.name: required field is missing; name the Application, e.g. "my-app"',
    ],
    [
      'name not DNS-1123',
      (a) => setField(a, 'metadata.name', 'My_App'),
      'metadata.name: "My_App" is not a valid name; use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, e.g. "my-app"',
    ],
    [
      'name too long',
      (a) => setField(a, 'metadata.name', 'a'.repeat(254)),
      `metadata.name: "${'a'.repeat(77)}..." is not a valid name; use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, e.g. "${'a'.repeat(77)}..."`,
    ],
    [
      'source and sources',
      (a) => setField(a, 'spec.sources', [field(a, 'spec.source')]),
      'spec: both source and sources are set; keep sources for several sources, or source for one',
    ],
    [
      'neither source nor sources',
      (a) => deleteField(a, 'spec.source'),
      'spec.source: required field is missing; set spec.source for one source, or spec.sources for several',
    ],
    [
      'repoURL missing',
      (a) => deleteField(a, 'spec.source.repoURL'),
      'spec.source.repoURL: required field is missing; set the Git or Helm repository URL, e.g. https://github.com/org/repo.git',
    ],
    [
      'repoURL not a git URL',
      (a) => setField(a, 'spec.source.repoURL', 'github.com/example/repo'),
      'spec.source.repoURL: "github.com/example/repo" is not a Git repository URL; use https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git (or set chart for a Helm repository)',
    ],
    [
      'repoURL with a password is refused without echoing it',
      (a) => setField(a, 'spec.source.repoURL', 'https://bob:s3cret@github.com/example/repo.git'),
      'spec.source.repoURL: contains credentials; remove them from the URL and store them in a repository secret',
    ],
    [
      'chart without version',
      (a) => setField(a, 'spec.source', { repoURL: 'https://charts.bitnami.com/bitnami', chart: 'nginx' }),
      'spec.source.targetRevision: required when chart is set; set the chart version, e.g. "1.2.3" or a range such as "1.2.*"',
    ],
    [
      'chart from a git URL',
      (a) =>
        setField(a, 'spec.source', {
          repoURL: 'git@github.com:example/charts.git',
          chart: 'nginx',
          targetRevision: '1.0.0',
        }),
      'spec.source.repoURL: "git@github.com:example/charts.git" is not a Helm repository URL; a chart comes from an https:// or oci:// Helm repository',
    ],
    [
      'absolute path',
      (a) => setField(a, 'spec.source.path', '/myapp'),
      'spec.source.path: "/myapp" is an absolute path; paths are relative to the repository root: write "myapp"',
    ],
    [
      'path escaping the repository',
      (a) => setField(a, 'spec.source.path', 'apps/../../etc'),
      'spec.source.path: "apps/../../etc" leaves the repository through ".."; keep the path inside the repository',
    ],
    [
      'destination with server and name',
      (a) => setField(a, 'spec.destination.name', 'in-cluster'),
      'spec.destination: both server and name are set; Argo CD accepts one: keep server (the API server URL) or name (the cluster name)',
    ],
    [
      'destination namespace not a label',
      (a) => setField(a, 'spec.destination.namespace', 'Team.A'),
      'spec.destination.namespace: "Team.A" is not a valid namespace name; use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit, e.g. "team-a"',
    ],
    [
      'unknown sync option',
      (a) => setField(a, 'spec.syncPolicy.syncOptions', ['CreateNamspace=true']),
      'spec.syncPolicy.syncOptions[0]: unknown sync option "CreateNamspace"; did you mean "CreateNamespace"?',
    ],
    [
      'sync option value of the wrong type',
      (a) => setField(a, 'spec.syncPolicy.syncOptions', ['PrunePropagationPolicy=true']),
      'spec.syncPolicy.syncOptions[0]: PrunePropagationPolicy takes one of foreground, background, orphan, got "true"',
    ],
    [
      'sync option with capitalised boolean',
      (a) => setField(a, 'spec.syncPolicy.syncOptions', ['ServerSideApply=True']),
      'spec.syncPolicy.syncOptions[0]: ServerSideApply takes true or false, got "True"; write "ServerSideApply=true" (values are case-sensitive)',
    ],
    [
      'sync option with spaces around "="',
      (a) => setField(a, 'spec.syncPolicy.syncOptions', ['Replace = true']),
      'spec.syncPolicy.syncOptions[0]: "Replace = true" has spaces around "="; Argo CD and Berth would ignore it; write "Replace=true"',
    ],
    [
      'sync option without a value',
      (a) => setField(a, 'spec.syncPolicy.syncOptions', ['CreateNamespace']),
      'spec.syncPolicy.syncOptions[0]: "CreateNamespace" is not Key=Value; write "CreateNamespace=true"',
    ],
    [
      'backoff duration not a duration',
      (a) => setField(a, 'spec.syncPolicy.retry', { limit: 5, backoff: { duration: '5x' } }),
      'spec.syncPolicy.retry.backoff.duration: "5x" is not a duration; use e.g. "5s", "2m"',
    ],
    [
      'backoff factor zero',
      (a) => setField(a, 'spec.syncPolicy.retry', { backoff: { factor: 0 } }),
      'spec.syncPolicy.retry.backoff.factor: 0 is below the minimum of 1; the factor multiplies the wait after each retry: use 1 or more',
    ],
    [
      'retry limit as a quoted string',
      (a) => setField(a, 'spec.syncPolicy.retry', { limit: '5' }),
      'spec.syncPolicy.retry.limit: expected an integer, got a string ("5"); write 5 without quotes',
    ],
    [
      'boolean written as a string',
      (a) => setField(a, 'spec.syncPolicy.automated.prune', 'true'),
      'spec.syncPolicy.automated.prune: expected a boolean, got a string ("true"); write true without quotes',
    ],
    [
      'negative revisionHistoryLimit',
      (a) => setField(a, 'spec.revisionHistoryLimit', -1),
      'spec.revisionHistoryLimit: -1 is below the minimum of 0; use an integer >= 0',
    ],
    [
      'ignoreDifferences without kind',
      (a) => setField(a, 'spec.ignoreDifferences', [{ group: 'apps', jsonPointers: ['/spec/replicas'] }]),
      'spec.ignoreDifferences[0].kind: required field is missing; name the kind to ignore differences in, e.g. Deployment',
    ],
    [
      'ignoreDifferences without anything to ignore',
      (a) => setField(a, 'spec.ignoreDifferences', [{ kind: 'Deployment' }]),
      'spec.ignoreDifferences[0]: none of jsonPointers, jqPathExpressions, managedFieldsManagers is set; list what to ignore, e.g. jsonPointers: ["/spec/replicas"]',
    ],
    [
      'jsonPointer without a leading slash',
      (a) => setField(a, 'spec.ignoreDifferences', [{ kind: 'Deployment', jsonPointers: ['spec.replicas'] }]),
      'spec.ignoreDifferences[0].jsonPointers[0]: "spec.replicas" is not a JSON pointer; JSON pointers start with "/": write "/spec/replicas"',
    ],
    [
      'helm parameter without name',
      (a) => setField(a, 'spec.source.helm', { parameters: [{ value: 'v1' }] }),
      'spec.source.helm.parameters[0].name: required field is missing; name the Helm value to set, e.g. "image.tag"',
    ],
    [
      'helm parameter value as a number',
      (a) => setField(a, 'spec.source.helm', { parameters: [{ name: 'replicaCount', value: 3 }] }),
      'spec.source.helm.parameters[0].value: expected a string, got a number (3); quote it: "3"',
    ],
    [
      'kustomize image override malformed',
      (a) => setField(a, 'spec.source.kustomize', { images: ['myregistry.io/api:'] }),
      'spec.source.kustomize.images[0]: "myregistry.io/api:" is not an image override; write "name=newName:tag", "name:tag" or "name@sha256:<digest>"',
    ],
    [
      'kustomize replicas count not an integer',
      (a) => setField(a, 'spec.source.kustomize', { replicas: [{ name: 'api', count: 'five' }] }),
      'spec.source.kustomize.replicas[0].count: expected a replica count (an integer >= 0), got "five"',
    ],
    [
      'two tools on one source',
      (a) => {
        setField(a, 'spec.source.helm', { releaseName: 'api' });
        setField(a, 'spec.source.kustomize', { namePrefix: 'prod-' });
      },
      'spec.source: helm and kustomize are all set; a source is rendered by one tool: keep one of them',
    ],
    [
      'a $ref value file in a single source',
      (a) => setField(a, 'spec.source.helm', { valueFiles: ['$values/prod.yaml'] }),
      'spec.source.helm.valueFiles[0]: "$values/prod.yaml" reads from another source; a $ref value file needs spec.sources',
    ],
    [
      'a value file above the repository root',
      (a) => setField(a, 'spec.source.helm', { valueFiles: ['../../values.yaml'] }),
      'spec.source.helm.valueFiles[0]: "../../values.yaml" leaves the repository through ".."; keep the path inside the repository',
    ],
    [
      'syncOptions written as a string',
      (a) => setField(a, 'spec.syncPolicy.syncOptions', 'CreateNamespace=true'),
      'spec.syncPolicy.syncOptions: expected a list, got a string ("CreateNamespace=true"); make it a list with one item: ["CreateNamespace=true"]',
    ],
    [
      'spec missing',
      (a) => deleteField(a, 'spec'),
      'spec: required field is missing; set spec.source, spec.destination and spec.project',
    ],
  ];

  it.each(cases)('%s', (_name, mutate, expected) => {
    const app = base();
    mutate(app);
    expect(errorsOf(app)).toEqual([expected]);
  });

  it('a document that is not a map', () => {
    expect(errorsOf('hello')).toEqual(['expected a map, got a string ("hello")']);
    expect(errorsOf(null)).toEqual(['expected a map, got null']);
  });
});

describe('validateApplication: values that reach a helm, kustomize or git command line', () => {
  const cases: [string, Mutation, string][] = [
    [
      'a helm releaseName that is a flag',
      (a) => setField(a, 'spec.source.helm', { releaseName: '--set-file=x=/etc/passwd' }),
      'spec.source.helm.releaseName: "--set-file=x=/etc/passwd" is not a Helm release name; use at most 53 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (Helm\'s rule)',
    ],
    [
      'a helm releaseName longer than 53 characters',
      (a) => setField(a, 'spec.source.helm', { releaseName: 'r'.repeat(54) }),
      `spec.source.helm.releaseName: "${'r'.repeat(54)}" is not a Helm release name; use at most 53 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (Helm's rule)`,
    ],
    [
      'a helm parameter name holding "=" and ","',
      (a) => setField(a, 'spec.source.helm', { parameters: [{ name: 'x=/etc/passwd,y', value: '1' }] }),
      'spec.source.helm.parameters[0].name: "x=/etc/passwd,y" is not a Helm value name; use a dotted path such as "image.tag" without "=" or ","; Helm would split the value there',
    ],
    [
      'a fileParameters name that smuggles a second --set-file',
      (a) =>
        setField(a, 'spec.source.helm', { fileParameters: [{ name: 'x=/etc/passwd,y', path: 'f.txt' }] }),
      'spec.source.helm.fileParameters[0].name: "x=/etc/passwd,y" is not a Helm value name; use a dotted path such as "image.tag" without "=" or ","; Helm would split the value there',
    ],
    [
      'a fileParameters path with a comma',
      (a) => setField(a, 'spec.source.helm', { fileParameters: [{ name: 'x', path: 'f,y=/etc/passwd' }] }),
      'spec.source.helm.fileParameters[0].path: "f,y=/etc/passwd" holds ",", "\\" or a quote, which Helm\'s --set-file would split or unescape; rename the file',
    ],
    [
      'a value file whose name smuggles a second, absolute value file',
      (a) => setField(a, 'spec.source.helm', { valueFiles: ['values/a,/etc/secret.yaml'] }),
      'spec.source.helm.valueFiles[0]: "values/a,/etc/secret.yaml" holds ",", "\\" or a quote: helm reads --values as a comma-separated list and would open a second file; rename the file',
    ],
    [
      'a fileParameters path leaving the repository',
      (a) =>
        setField(a, 'spec.source.helm', { fileParameters: [{ name: 'x', path: '../../../etc/passwd' }] }),
      'spec.source.helm.fileParameters[0].path: "../../../etc/passwd" leaves the repository through ".."; keep the path inside the repository',
    ],
    [
      'a helm kubeVersion that is not a version',
      (a) => setField(a, 'spec.source.helm', { kubeVersion: '--debug' }),
      'spec.source.helm.kubeVersion: "--debug" is not a Kubernetes version; write it as "1.34" or "v1.34.1"',
    ],
    [
      'a helm apiVersions entry that is not an API version',
      (a) => setField(a, 'spec.source.helm', { apiVersions: ['apps/v1', '--set=x=1'] }),
      'spec.source.helm.apiVersions[1]: "--set=x=1" is not an API version; write it as "v1", "apps/v1" or "group/version/Kind"',
    ],
    [
      'a helm namespace that is not a namespace',
      (a) => setField(a, 'spec.source.helm', { namespace: '--kubeconfig=/x' }),
      'spec.source.helm.namespace: "--kubeconfig=/x" is not a namespace name; use lowercase letters, digits and "-"',
    ],
    [
      'a kustomize namePrefix with characters no name has',
      (a) => setField(a, 'spec.source.kustomize', { namePrefix: 'a b/' }),
      'spec.source.kustomize.namePrefix: "a b/" is not a name prefix; use lowercase letters, digits, "-" and "."',
    ],
    [
      'a kustomize commonLabels value that is not a label value',
      (a) => setField(a, 'spec.source.kustomize', { commonLabels: { team: 'a b' } }),
      'spec.source.kustomize.commonLabels.team: "a b" is not a label value; use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    ],
    [
      'a kustomize component outside the repository',
      (a) => setField(a, 'spec.source.kustomize', { components: ['../../../../other-tenant'] }),
      'spec.source.kustomize.components[0]: "../../../../other-tenant" leaves the repository through ".."; keep the path inside the repository',
    ],
    [
      'a kustomize component that is a remote URL',
      (a) => setField(a, 'spec.source.kustomize', { components: ['https://169.254.169.254/x'] }),
      'spec.source.kustomize.components[0]: "https://169.254.169.254/x" is a remote reference; give a directory of this repository, relative to the source path',
    ],
    [
      'a targetRevision that is a flag',
      (a) => setField(a, 'spec.source.targetRevision', '--upload-pack=touch /tmp/x'),
      'spec.source.targetRevision: "--upload-pack=touch /tmp/x" is not a branch, tag, commit or version; a revision does not start with "-" nor hold control characters',
    ],
    [
      'a repoURL whose host is a flag',
      (a) => setField(a, 'spec.source.repoURL', 'ssh://-oProxyCommand=touch/tmp/x/repo.git'),
      'spec.source.repoURL: "ssh://-oProxyCommand=touch/tmp/x/repo.git" starts with "-" (or names a host that does), which git and helm would read as an option; give the repository URL, e.g. https://host/org/repo.git',
    ],
    [
      'a jsonnet external variable name that would be read as a flag or split at "="',
      (a) =>
        setField(a, 'spec.source.directory', { jsonnet: { extVars: [{ name: '--ext-str=x', value: 'y' }] } }),
      'spec.source.directory.jsonnet.extVars[0].name: "--ext-str=x" is not a Jsonnet identifier; use letters, digits and "_", not starting with a digit (std.extVar and function parameters read it by that name)',
    ],
    [
      'a jsonnet top-level argument name that is not an identifier',
      (a) =>
        setField(a, 'spec.source.directory', {
          jsonnet: { tlas: [{ name: '1st', value: 'y', code: true }] },
        }),
      'spec.source.directory.jsonnet.tlas[0].name: "1st" is not a Jsonnet identifier; use letters, digits and "_", not starting with a digit (std.extVar and function parameters read it by that name)',
    ],
    [
      'a jsonnet library path outside the repository',
      (a) => setField(a, 'spec.source.directory', { jsonnet: { libs: ['../other-tenant'] } }),
      'spec.source.directory.jsonnet.libs[0]: "../other-tenant" leaves the repository through ".."; keep the path inside the repository',
    ],
    [
      'a kustomize patch file outside the kustomization directory',
      (a) => setField(a, 'spec.source.kustomize', { patches: [{ path: '../../secrets.yaml' }] }),
      'spec.source.kustomize.patches[0].path: "../../secrets.yaml" is outside the kustomization directory; kustomize loads patch files only from the kustomization directory and below: give a path relative to spec.source.path',
    ],
    [
      'a kustomize patch with neither path nor patch',
      (a) => setField(a, 'spec.source.kustomize', { patches: [{ target: { kind: 'Deployment' } }] }),
      'spec.source.kustomize.patches[0]: has neither path nor patch; give the patch file (path) or the patch itself (patch)',
    ],
    [
      'kustomize labelIncludeTemplates without labelWithoutSelector',
      (a) => setField(a, 'spec.source.kustomize', { labelIncludeTemplates: true }),
      'spec.source.kustomize.labelIncludeTemplates: needs labelWithoutSelector: true; kustomize adds labels to pod templates only when they are kept out of selectors',
    ],
    [
      'a chart name that is a flag',
      (a) => {
        setField(a, 'spec.source', {
          repoURL: 'https://charts.example.com',
          chart: '--repo=https://evil',
          targetRevision: '1.0.0',
        });
      },
      'spec.source.chart: "--repo=https://evil" is not a chart name; use the chart name as the repository lists it: letters, digits, "-", "_" and ".", starting with a letter or digit',
    ],
  ];

  it.each(cases)('%s', (_name, mutate, expected) => {
    const app = base();
    mutate(app);
    expect(errorsOf(app)).toEqual([expected]);
  });

  it('accepts what real apps write: dotted and escaped value names, list values, labels with prefixes', () => {
    const app = base();
    setField(app, 'spec.source.helm', {
      releaseName: 'guestbook.prod',
      parameters: [
        { name: 'ingress.annotations.kubernetes\\.io/ingress\\.class', value: 'nginx' },
        { name: 'hosts[0]', value: 'a,b' },
        { name: 'list', value: '{a,b}' },
      ],
      fileParameters: [{ name: 'config', path: 'files/config.json' }],
      kubeVersion: '1.34.0',
      apiVersions: ['v1', 'apps/v1', 'monitoring.coreos.com/v1/ServiceMonitor'],
    });
    expect(errorsOf(app)).toEqual([]);
    setField(app, 'spec.source.helm', undefined);
    setField(app, 'spec.source.kustomize', {
      namePrefix: 'prod-',
      nameSuffix: '-v2',
      commonLabels: { 'app.kubernetes.io/part-of': 'guestbook', tier: '' },
      commonAnnotations: { 'example.com/owner': 'team a, on call' },
      components: ['../components/metrics'],
      version: 'v5.7.1',
      images: ['api=registry.example.com/api:${ARGOCD_APP_REVISION_SHORT}', 'web:$ARGOCD_APP_REVISION'],
      patches: [
        { path: 'patches/replicas.yaml' },
        {
          patch: '- op: add',
          target: { kind: 'Deployment', labelSelector: 'app=api' },
          options: { allowNameChange: true },
        },
      ],
      labelWithoutSelector: true,
      labelIncludeTemplates: true,
    });
    setField(app, 'spec.source.path', 'overlays/prod');
    expect(errorsOf(app)).toEqual([]);
  });
});

describe('validateApplication: multiple sources', () => {
  function multi(): unknown {
    const app = base();
    deleteField(app, 'spec.source');
    setField(app, 'spec.sources', [
      {
        repoURL: 'https://charts.example.com',
        chart: 'api',
        targetRevision: '1.4.0',
        helm: { valueFiles: ['$values/api/prod.yaml'] },
      },
      { repoURL: 'https://github.com/example/config.git', targetRevision: 'main', ref: 'values' },
    ]);
    return app;
  }

  it('a $ref value file naming an existing ref is valid', () => {
    expect(errorsOf(multi())).toEqual([]);
  });

  it('a $ref value file naming a missing ref is an error naming the refs that exist', () => {
    const app = multi();
    setField(app, 'spec.sources.0.helm.valueFiles', ['$value/api/prod.yaml']);
    expect(errorsOf(app)).toEqual([
      'spec.sources[0].helm.valueFiles[0]: "$value/api/prod.yaml" names ref "value", but no source in spec.sources has that ref; use one of $values, or add "ref: value" to a source',
    ]);
  });

  it('a ref name used twice is an error on the second', () => {
    const app = multi();
    listField(app, 'spec.sources').push({ repoURL: 'https://github.com/example/other.git', ref: 'values' });
    expect(errorsOf(app)).toEqual([
      'spec.sources[2].ref: "values" is already the ref of spec.sources[1]; give each source a different ref',
    ]);
  });

  it('every source gets targetRevision HEAD when it has none, except charts', () => {
    const app = multi();
    listField(app, 'spec.sources').push({ repoURL: 'https://github.com/example/other.git', path: 'extra' });
    const result = validateApplication(app);
    if (!result.ok) throw new Error('expected valid');
    expect(result.application.spec.sources?.map((s) => s.targetRevision)).toEqual(['1.4.0', 'main', 'HEAD']);
  });
});

describe('validateApplication: every problem at once', () => {
  it('reports all errors of a document in one pass, in document order', () => {
    const app = base();
    setField(app, 'metadata.name', 'Bad_Name');
    setField(app, 'spec.source.path', '/abs');
    setField(app, 'spec.destination.name', 'in-cluster');
    setField(app, 'spec.syncPolicy.retry', { backoff: { duration: '5x', maxDuration: 'soon' } });
    expect(errorsOf(app).map((e) => e.slice(0, e.indexOf(':')))).toEqual([
      'metadata.name',
      'spec.source.path',
      'spec.destination',
      'spec.syncPolicy.retry.backoff.duration',
      'spec.syncPolicy.retry.backoff.maxDuration',
    ]);
  });
});

describe('validateApplication: unknown fields', () => {
  it('are warnings in document order with a spelling suggestion, and kept in the stored object', () => {
    const app = base();
    setField(app, 'spec.sourc', { repoURL: 'x' });
    setField(app, 'spec.syncPolicy.automated.selfheal', true);
    setField(app, 'metadata.lables', { team: 'a' });
    const result = validateApplication(app);
    expect(result.warnings.map(formatIssue)).toEqual([
      'metadata.lables: unknown field; did you mean "labels"?',
      'spec.syncPolicy.automated.selfheal: unknown field; did you mean "selfHeal"?',
      'spec.sourc: unknown field; did you mean "source"?',
    ]);
    if (!result.ok) throw new Error('expected valid');
    expect(result.application).toMatchObject({
      spec: { sourc: { repoURL: 'x' } },
      metadata: { lables: { team: 'a' } },
    });
  });

  it('without a close match say that the field has no effect', () => {
    const app = base();
    setField(app, 'spec.owner', 'team-a');
    expect(warningsOf(app)).toEqual(['spec.owner: unknown field; it is kept but has no effect']);
  });

  it('accepts the server-set metadata and status of an exported Application without warnings', () => {
    const app = base();
    setField(app, 'metadata', {
      ...mapField(app, 'metadata'),
      uid: 'abc',
      resourceVersion: '12',
      generation: 3,
      creationTimestamp: '2026-05-09T10:30:00Z',
    });
    setField(app, 'status', { sync: { status: 'Synced' }, health: { status: 'Healthy' } });
    expect(validateApplication(app)).toMatchObject({ ok: true, warnings: [] });
  });
});

describe('validateApplication: other warnings', () => {
  it.each<[string, Mutation, string]>([
    [
      'automated left empty',
      (a) => setField(a, 'spec.syncPolicy.automated', null),
      'spec.syncPolicy.automated: is empty, so automatic sync is off; write "automated: {}" to sync automatically, or remove the line',
    ],
    [
      'managedNamespaceMetadata without CreateNamespace',
      (a) => setField(a, 'spec.syncPolicy.managedNamespaceMetadata', { labels: { team: 'a' } }),
      'spec.syncPolicy.managedNamespaceMetadata: has no effect without the sync option CreateNamespace=true; add "CreateNamespace=true" to syncOptions',
    ],
    [
      'maxDuration shorter than duration',
      (a) => setField(a, 'spec.syncPolicy.retry', { backoff: { duration: '2m', maxDuration: '30' } }),
      'spec.syncPolicy.retry.backoff.maxDuration: "30" is shorter than duration "2m", so every retry waits 30; make maxDuration at least as long as duration',
    ],
    [
      'duplicate sync option',
      (a) => setField(a, 'spec.syncPolicy.syncOptions', ['Prune=true', 'Prune=false']),
      'spec.syncPolicy.syncOptions[1]: Prune is already set by spec.syncPolicy.syncOptions[0]; keep one entry per option',
    ],
    [
      'ref on a single source',
      (a) => setField(a, 'spec.source.ref', 'values'),
      'spec.source.ref: only has a meaning in spec.sources; remove ref, or move the source into spec.sources',
    ],
  ])('%s', (_name, mutate, expected) => {
    const app = base();
    mutate(app);
    const result = validateApplication(app);
    expect(result.ok).toBe(true);
    expect(result.warnings.map(formatIssue)).toEqual([expected]);
  });
});

describe('validateApplication: defaults', () => {
  it('writes project default and targetRevision HEAD, leaves revisionHistoryLimit as a read default', () => {
    const app = base();
    deleteField(app, 'spec.project');
    deleteField(app, 'spec.source.targetRevision');
    const result = validateApplication(app);
    if (!result.ok) throw new Error('expected valid');
    expect(result.application.spec.project).toBe('default');
    expect(result.application.spec.source?.targetRevision).toBe('HEAD');
    expect(result.application.spec.revisionHistoryLimit).toBeUndefined();
    expect(revisionHistoryLimitOf(result.application)).toBe(10);
    expect(field(app, 'spec.project')).toBeUndefined();
  });

  it('takes other defaults from the options', () => {
    const app = base();
    deleteField(app, 'spec.project');
    const result = validateApplication(app, { defaults: { project: 'platform' } });
    expect(result.ok && result.application.spec.project).toBe('platform');
  });

  it('keeps what the user wrote', () => {
    const app = base();
    setField(app, 'spec.revisionHistoryLimit', 3);
    const result = validateApplication(app);
    expect(result.ok && revisionHistoryLimitOf(result.application)).toBe(3);
    expect(result.ok && result.application.spec.project).toBe('default');
  });
});

describe('assertValidApplication', () => {
  it('throws a ValidationFailedError listing every problem', () => {
    const app = base();
    setField(app, 'spec.source.path', '/abs');
    setField(app, 'spec.syncPolicy.syncOptions', ['Foo=bar']);
    expect(() => assertValidApplication(app)).toThrow(ValidationFailedError);
    try {
      assertValidApplication(app);
    } catch (error) {
      expect((error as ValidationFailedError).code).toBe('Invalid');
      expect((error as Error).message.split('\n')).toEqual([
        'Application "myapp" is invalid (2 problems):',
        '  spec.source.path: "/abs" is an absolute path; paths are relative to the repository root: write "abs"',
        expect.stringMatching(/^ {2}spec\.syncPolicy\.syncOptions\[0\]: unknown sync option "Foo"; /),
      ]);
    }
  });
});
