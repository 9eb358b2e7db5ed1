import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ApplicationSet } from './applicationset.types';
import { validateApplicationSet } from './applicationset.validator';
import { ApplicationSetGenerationError, generateApplications } from './generate-applications';
import type { ClusterInfo, GeneratorSources } from './generator-sources.port';

const REPO = 'https://github.com/example/k8s-manifests.git';

/** A repository as the worker lists it: files by path; directories derived, hidden ones left out. */
function sources(files: Record<string, string>, clusters: ClusterInfo[] = []): GeneratorSources {
  const directories = new Set<string>();
  for (const file of Object.keys(files)) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i);
      if (dir.some((p) => p.startsWith('.'))) break;
      directories.add(dir.join('/'));
    }
  }
  return {
    listGitTree: (repoURL) =>
      repoURL === REPO
        ? Promise.resolve({ directories: [...directories].sort(), files: Object.keys(files).sort() })
        : Promise.reject(new Error(`repository not found`)),
    readGitFile: (_repo, _rev, path) => Promise.resolve(files[path] ?? ''),
    clusters: () => Promise.resolve(clusters),
  };
}

function appSet(yaml: string): ApplicationSet {
  const result = validateApplicationSet(parse(yaml));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.applicationSet;
}

const seed = () => appSet(readFileSync(join(process.cwd(), 'testdata/seed/applicationset.yaml'), 'utf8'));

describe('generateApplications', () => {
  it("renders the seed's matrix of service directories x environments", async () => {
    const result = await generateApplications(
      seed(),
      sources({
        'services/orders/overlays/dev/kustomization.yaml': '',
        'services/users/overlays/dev/kustomization.yaml': '',
        'README.md': '',
        '.github/workflows/ci.yaml': '',
      }),
    );
    expect(result.invalid).toEqual([]);
    expect(result.applications.map((a) => a.name)).toEqual([
      'api-orders-dev',
      'api-orders-staging',
      'api-orders-prod',
      'api-users-dev',
      'api-users-staging',
      'api-users-prod',
    ]);
    const app = result.applications[5]!.manifest;
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(app.metadata.annotations).toEqual({ 'berth.dev/applicationset': 'api-services' });
    expect(app.spec).toMatchObject({
      project: 'prod',
      source: { repoURL: REPO, targetRevision: 'main', path: 'services/users/overlays/prod' },
      destination: { server: 'https://prod.k8s.example.com', namespace: 'prod' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
  });

  it('matches directories with Go path.Match and drops excluded ones, and keeps the resources without a finalizer when asked', async () => {
    const set = appSet(`
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: dirs }
spec:
  syncPolicy: { preserveResourcesOnDeletion: true }
  generators:
    - git:
        repoURL: ${REPO}
        revision: HEAD
        directories:
          - path: apps/*
          - path: apps/legacy
            exclude: true
  template:
    metadata: { name: '{{path.basename}}-{{ path[0] }}' }
    spec:
      project: default
      source: { repoURL: ${REPO}, targetRevision: HEAD, path: '{{path}}' }
      destination: { server: https://kubernetes.default.svc, namespace: '{{path.basenameNormalized}}' }
`);
    const result = await generateApplications(
      set,
      sources({
        'apps/web/a.yaml': '',
        'apps/legacy/a.yaml': '',
        'apps/web/deep/b.yaml': '',
        'apps/Big_One/c.yaml': '',
      }),
    );
    expect(result.applications.map((a) => a.name)).toEqual(['web-apps']);
    expect(result.invalid.map((a) => a.name)).toEqual(['Big_One-apps']);
    expect(result.invalid[0]!.message).toContain('metadata.name');
    expect(result.applications[0]!.manifest.metadata.finalizers).toBeUndefined();
  });

  it("flattens git files' fields as Argo CD does (dots, Go's %v for numbers) with path parameters", async () => {
    const set = appSet(`
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: files }
spec:
  generators:
    - git:
        repoURL: ${REPO}
        revision: HEAD
        files:
          - path: clusters/**/config.json
          - path: clusters/skip/**
            exclude: true
        values: { team: 'team-{{cluster.name}}' }
  template:
    metadata: { name: '{{cluster.name}}-{{path.basename}}', labels: { replicas: '{{ replicas }}', big: '{{big}}', first: '{{owners.0}}', team: '{{values.team}}', file: '{{path.filenameNormalized}}' } }
    spec:
      project: default
      source: { repoURL: ${REPO}, targetRevision: HEAD, path: '{{path}}' }
      destination: { server: '{{cluster.address}}', namespace: default }
`);
    const result = await generateApplications(
      set,
      sources({
        'clusters/eu/config.json': JSON.stringify({
          cluster: { name: 'eu', address: 'https://eu.example.com' },
          replicas: 3,
          big: 1000000,
          owners: ['ann'],
        }),
        'clusters/us/east/config.json':
          '- cluster: { name: us1, address: "https://us1.example.com" }\n- cluster: { name: us2, address: "https://us2.example.com" }\n',
        'clusters/skip/config.json': '{}',
      }),
    );
    expect(result.applications.map((a) => a.name)).toEqual(['eu-eu', 'us1-east', 'us2-east']);
    expect(result.applications[0]!.manifest.metadata.labels).toEqual({
      replicas: '3',
      big: '1e+06',
      first: 'ann',
      team: 'team-eu',
      file: 'config.json',
    });
    expect(result.applications[1]!.manifest.spec).toMatchObject({ source: { path: 'clusters/us/east' } });
  });

  it('leaves an unknown fasttemplate parameter as it is, and fails the whole generation on missingkey=error', async () => {
    const base = (goTemplate: string) => `
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: gt }
spec:
  ${goTemplate}
  generators:
    - list:
        elements: [{ env: dev }]
  template:
    metadata: { name: 'app-{{ENV}}', annotations: { note: '{{ nope }}' } }
    spec:
      project: default
      source: { repoURL: ${REPO}, targetRevision: HEAD, path: x }
      destination: { server: https://kubernetes.default.svc, namespace: default }
`;
    const fast = await generateApplications(appSet(base('')), sources({}));
    expect(fast.invalid.map((a) => a.name)).toEqual(['app-{{ENV}}']);
    const go = appSet(
      base('goTemplate: true\n  goTemplateOptions: ["missingkey=error"]')
        .replace("'app-{{ENV}}'", "'app-{{.env}}'")
        .replace('{{ nope }}', '{{ .nope }}'),
    );
    const error = await generateApplications(go, sources({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationSetGenerationError);
    expect((error as ApplicationSetGenerationError).reason).toBe('RenderTemplateParamsError');
    expect((error as Error).message).toContain('spec.template.metadata.annotations.note');
    expect((error as Error).message).toContain('map has no entry for key "nope"');
    const lenient = appSet(
      base('goTemplate: true')
        .replace("'app-{{ENV}}'", "'app-{{.env | upper | lower}}'")
        .replace('{{ nope }}', '{{ .nope }}'),
    );
    const ok = await generateApplications(lenient, sources({}));
    expect(ok.applications[0]!.manifest.metadata.annotations?.['note']).toBe('<no value>');
    expect(ok.applications[0]!.name).toBe('app-dev');
  });

  it("selects clusters by label, adds in-cluster only without a selector, and lets a generator's template win", async () => {
    const clusters: ClusterInfo[] = [
      { name: 'prod-eu', server: 'https://eu.example.com', labels: { env: 'prod' } },
      { name: 'staging', server: 'https://staging.example.com', labels: { env: 'staging' } },
    ];
    const yaml = (selector: string) => `
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: clusters }
spec:
  generators:
    - clusters:
        ${selector}
        template:
          metadata: { labels: { from: generator } }
          spec: { project: '' }
  template:
    metadata: { name: 'guestbook-{{name}}', labels: { from: spec, env: '{{metadata.labels.env}}' } }
    spec:
      project: default
      source: { repoURL: ${REPO}, targetRevision: HEAD, path: guestbook }
      destination: { server: '{{server}}', namespace: guestbook }
`;
    const all = await generateApplications(appSet(yaml('')), sources({}, clusters));
    expect(all.applications.map((a) => a.name)).toEqual([
      'guestbook-prod-eu',
      'guestbook-staging',
      'guestbook-in-cluster',
    ]);
    expect(all.applications[0]!.manifest.metadata.labels).toEqual({ from: 'generator', env: 'prod' });
    expect(all.applications[0]!.manifest.spec['project']).toBe('default');
    const prod = await generateApplications(
      appSet(yaml('selector: { matchExpressions: [{ key: env, operator: In, values: [prod] }] }')),
      sources({}, clusters),
    );
    expect(prod.applications.map((a) => a.name)).toEqual(['guestbook-prod-eu']);
  });

  it('refuses a matrix whose generators disagree on a parameter, and duplicate names', async () => {
    const yaml = (name: string) => `
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: m }
spec:
  generators:
    - matrix:
        generators:
          - list: { elements: [{ env: dev }, { env: prod }] }
          - list: { elements: [{ env: dev, x: a }] }
  template:
    metadata: { name: '${name}' }
    spec:
      project: default
      source: { repoURL: ${REPO}, targetRevision: HEAD, path: x }
      destination: { server: https://kubernetes.default.svc, namespace: default }
`;
    await expect(generateApplications(appSet(yaml('app-{{env}}')), sources({}))).rejects.toThrow(
      'found duplicate key env with different value, a: prod ,b: dev',
    );
    const dup = appSet(yaml('same').replace('{ env: dev }, { env: prod }', '{ env: dev }, { y: b }'));
    await expect(generateApplications(dup, sources({}))).rejects.toThrow(
      'ApplicationSet m contains applications with duplicate name: same',
    );
  });

  it('names the generator when its repository cannot be listed', async () => {
    const set = seed();
    const git = set.spec.generators[0]!.matrix!.generators[0]!.git!;
    git.repoURL = 'https://example.com/missing.git';
    await expect(generateApplications(set, sources({}))).rejects.toThrow(
      'spec.generators[0].matrix.generators[0].git: cannot list https://example.com/missing.git at main: repository not found',
    );
  });

  it("keeps every generated app in the set's project: a generator's template naming another is invalid", async () => {
    const yaml = `
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: escape }
spec:
  generators:
    - list:
        elements: [{ env: dev, proj: prod }]
        template:
          metadata: {}
          spec: { project: '{{proj}}' }
    - list:
        elements: [{ env: staging }]
  template:
    metadata: { name: 'app-{{env}}' }
    spec:
      project: team
      source: { repoURL: ${REPO}, targetRevision: HEAD, path: x }
      destination: { server: https://kubernetes.default.svc, namespace: default }
`;
    const result = await generateApplications(appSet(yaml), sources({}));
    // The set was authorized in "team": an app in "prod" would be created where its author may not.
    expect(result.applications.map((a) => [a.name, a.manifest.spec.project])).toEqual([
      ['app-staging', 'team'],
    ]);
    expect(result.invalid).toEqual([
      {
        name: 'app-dev',
        message: expect.stringContaining(
          `spec.project: is "prod", not the ApplicationSet's project "team"`,
        ) as unknown as string,
      },
    ]);
  });
});
