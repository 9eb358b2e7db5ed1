import { stringify } from 'yaml';

/** How an app's manifests are written in Git: the three source types Argo CD users have. */
export type BenchAppKind = 'directory' | 'kustomize' | 'helm';

export interface BenchAppSpec {
  name: string;
  kind: BenchAppKind;
  /** Objects the app renders to (5 to 15). */
  objectCount: number;
  /** Path of the app in the repository. */
  path: string;
}

export const MIN_OBJECTS = 5;
export const MAX_OBJECTS = 15;

/** N apps, a deterministic mix: every third is Kustomize, every third Helm; sizes cycle 5..15. */
export function benchApps(count: number): BenchAppSpec[] {
  const kinds: BenchAppKind[] = ['directory', 'kustomize', 'helm'];
  return Array.from({ length: count }, (_, i) => {
    const name = `bench-${String(i).padStart(5, '0')}`;
    return {
      name,
      kind: kinds[i % 3]!,
      objectCount: MIN_OBJECTS + ((i * 7) % (MAX_OBJECTS - MIN_OBJECTS + 1)),
      path: `apps/${name}`,
    };
  });
}

type KubeObject = Record<string, unknown>;

/**
 * The objects of an app at a generation: the generation is a pod-template annotation, so a new one
 * rolls the Deployments out (Progressing, then Healthy) as a real image bump would.
 */
export function benchObjects(
  app: string,
  count: number,
  generation: number,
  image = 'nginx:1.27',
): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'berth-bench' };
  const deployment = (name: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 2,
      progressDeadlineSeconds: 60,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          annotations: { 'bench.berth.dev/generation': String(generation) },
        },
        spec: {
          serviceAccountName: app,
          containers: [
            {
              name: 'main',
              image,
              ports: [{ containerPort: 8080 }],
              envFrom: [{ configMapRef: { name: `${name}-config` } }],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  });
  const service = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  const configMap = (name: string, i: number): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels },
    data: { LOG_LEVEL: 'info', FEATURE_FLAGS: `flag-${i},flag-${i + 1}`, GREETING: `hello from ${app}` },
  });
  const builders: Array<() => KubeObject> = [
    () => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app, labels } }),
    () => configMap(`${app}-web-config`, 0),
    () => deployment(`${app}-web`),
    () => service(`${app}-web`),
    () => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${app}-credentials`, labels },
      type: 'Opaque',
      stringData: { username: 'bench', password: 'not-a-real-secret' },
    }),
    () => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: `${app}-reader`, labels },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    }),
    () => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${app}-reader`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${app}-reader` },
      subjects: [{ kind: 'ServiceAccount', name: app }],
    }),
    () => configMap(`${app}-worker-config`, 1),
    () => deployment(`${app}-worker`),
    () => service(`${app}-worker`),
    () => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${app}-web`, labels },
      spec: {
        podSelector: { matchLabels: { app: `${app}-web` } },
        ingress: [{ ports: [{ port: 8080 }] }],
        policyTypes: ['Ingress'],
      },
    }),
    () => configMap(`${app}-feature-flags`, 2),
    () => configMap(`${app}-routes`, 3),
    () => configMap(`${app}-limits`, 4),
    () => configMap(`${app}-tuning`, 5),
  ];
  return builders.slice(0, Math.min(Math.max(count, MIN_OBJECTS), MAX_OBJECTS)).map((b) => b());
}

const docs = (objects: KubeObject[]) => objects.map((o) => stringify(o)).join('---\n');

/** The files of one app at a generation, keyed by path in the repository. */
export function benchAppFiles(app: BenchAppSpec, generation: number): Record<string, string> {
  const objects = benchObjects(app.name, app.objectCount, generation);
  const at = (file: string) => `${app.path}/${file}`;
  switch (app.kind) {
    case 'directory':
      return { [at('manifests.yaml')]: docs(objects) };
    case 'kustomize':
      return {
        [at('resources.yaml')]: docs(objects),
        [at('kustomization.yaml')]: stringify({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: ['resources.yaml'],
          labels: [{ pairs: { 'bench.berth.dev/source': 'kustomize' } }],
        }),
      };
    case 'helm':
      return helmChart(app, objects, generation);
  }
}

/** A chart whose templates read values the way real charts do (image, generation, release name). */
function helmChart(app: BenchAppSpec, objects: KubeObject[], generation: number): Record<string, string> {
  const at = (file: string) => `${app.path}/${file}`;
  const template = docs(objects)
    .replaceAll('nginx:1.27', '{{ .Values.image }}')
    .replaceAll(
      `bench.berth.dev/generation: "${generation}"`,
      'bench.berth.dev/generation: {{ .Values.generation | quote }}',
    )
    .replaceAll(`hello from ${app.name}`, 'hello from {{ .Release.Name }}');
  return {
    [at('Chart.yaml')]: stringify({ apiVersion: 'v2', name: app.name, version: '0.1.0', appVersion: '1.27' }),
    [at('values.yaml')]: stringify({ image: 'nginx:1.27', generation: String(generation) }),
    [at('templates/all.yaml')]: template,
  };
}

/** The Application that deploys one bench app, auto-synced with prune and self-heal like most platform teams run. */
export function benchApplication(app: BenchAppSpec, repoURL: string): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: app.name,
      namespace: 'argocd',
      // What Argo CD recommends for a monorepo: a push refreshes only the apps whose directory it touched.
      annotations: { 'argocd.argoproj.io/manifest-generate-paths': '.' },
    },
    spec: {
      project: 'default',
      source: { repoURL, targetRevision: 'main', path: app.path },
      destination: { server: 'https://kubernetes.default.svc', namespace: app.name },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
      },
    },
  };
}
