import { stringify } from 'yaml';

export type BenchAppKind = 'plain' | 'kustomize' | 'helm';

/** One generated Application: where it is in the repository and how many objects it renders to. */
export interface BenchApp {
  name: string;
  kind: BenchAppKind;
  path: string;
  objects: number;
}

export interface BenchRepo {
  apps: BenchApp[];
  /** Repository-relative path -> file content. */
  files: Record<string, string>;
}

const KINDS: readonly BenchAppKind[] = ['plain', 'kustomize', 'helm'];
const OBJECT_KINDS = [
  'Deployment',
  'Service',
  'ConfigMap',
  'ServiceAccount',
  'HorizontalPodAutoscaler',
  'Ingress',
];

/** The values a helm app's templates read; plain and kustomize apps get them written in. */
interface AppValues {
  image: string;
  tag: string;
  replicas: number;
  team: string;
}

type Field = (value: string | number, template: string) => string | number;

/**
 * A realistic object of a web service (probes, resources, env, annotations), about the size
 * of what platform teams deploy. `field` either writes the value or, for helm, the template.
 */
function objectFor(kind: string, name: string, values: AppValues, field: Field): Record<string, unknown> {
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': 'bench',
    team: field(values.team, '{{ .Values.team }}'),
  };
  const metadata = { name, labels, annotations: { 'berth.dev/owner': 'platform', 'berth.dev/tier': 'web' } };
  switch (kind) {
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: {
          replicas: field(values.replicas, '{{ .Values.replicas }}'),
          selector: { matchLabels: { 'app.kubernetes.io/name': name } },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: name,
              containers: [
                {
                  name: 'app',
                  image: field(`${values.image}:${values.tag}`, '{{ .Values.image }}:{{ .Values.tag }}'),
                  ports: [{ name: 'http', containerPort: 8080 }],
                  env: [
                    { name: 'LOG_LEVEL', value: 'info' },
                    { name: 'PORT', value: '8080' },
                    { name: 'CONFIG', valueFrom: { configMapKeyRef: { name, key: 'config.yaml' } } },
                  ],
                  resources: {
                    requests: { cpu: '100m', memory: '128Mi' },
                    limits: { cpu: '500m', memory: '256Mi' },
                  },
                  readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
                  livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 10 },
                },
              ],
            },
          },
        },
      };
    case 'Service':
      return {
        apiVersion: 'v1',
        kind,
        metadata,
        spec: {
          selector: { 'app.kubernetes.io/name': name },
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
      };
    case 'ConfigMap':
      return {
        apiVersion: 'v1',
        kind,
        metadata,
        data: { 'config.yaml': 'server:\n  port: 8080\nfeatures:\n  search: true\n  checkout: false\n' },
      };
    case 'ServiceAccount':
      return { apiVersion: 'v1', kind, metadata };
    case 'HorizontalPodAutoscaler':
      return {
        apiVersion: 'autoscaling/v2',
        kind,
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: 2,
          maxReplicas: 10,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
            },
          ],
        },
      };
    default:
      return {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata,
        spec: {
          rules: [
            {
              host: `${name}.example.com`,
              http: {
                paths: [
                  { path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } },
                ],
              },
            },
          ],
        },
      };
  }
}

/** Object count of app `i`: 5 to 15, spread over the apps. */
function objectCount(i: number): number {
  return 5 + ((i * 7) % 11);
}

/**
 * Generates `count` Applications in one repository, cycling plain directory, kustomize and
 * helm apps with 5-15 objects each: the input of `npm run bench:render`.
 */
export function generateBenchRepo(count: number): BenchRepo {
  const files: Record<string, string> = {};
  const apps: BenchApp[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const name = `app-${String(i).padStart(2, '0')}`;
    const path = `apps/${name}`;
    const objects = objectCount(i);
    const values: AppValues = {
      image: `registry.example.com/team/${name}`,
      tag: `1.${i}.0`,
      replicas: 2 + (i % 3),
      team: `team-${i % 5}`,
    };
    const names = Array.from({ length: objects }, (_, j) => ({
      kind: OBJECT_KINDS[j % OBJECT_KINDS.length]!,
      name: j < OBJECT_KINDS.length ? name : `${name}-${j}`,
      file: `${String(j).padStart(2, '0')}-${OBJECT_KINDS[j % OBJECT_KINDS.length]!.toLowerCase()}.yaml`,
    }));
    if (kind === 'helm') {
      files[`${path}/Chart.yaml`] = stringify({
        apiVersion: 'v2',
        name,
        version: '0.1.0',
        appVersion: values.tag,
      });
      files[`${path}/values.yaml`] = stringify(values);
      for (const object of names) {
        const rendered = objectFor(object.kind, object.name, values, (_value, template) => `@@${template}@@`);
        // Templates are quoted strings in YAML; unquote them so helm types numbers correctly.
        files[`${path}/templates/${object.file}`] = stringify(rendered).replace(/["']?@@(.*?)@@["']?/g, '$1');
      }
    } else {
      for (const object of names) {
        files[`${path}/${object.file}`] = stringify(
          objectFor(object.kind, object.name, values, (value) => value),
        );
      }
      if (kind === 'kustomize') {
        files[`${path}/kustomization.yaml`] = stringify({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          namespace: name,
          commonLabels: { 'berth.dev/env': 'bench' },
          images: [{ name: values.image, newTag: `${values.tag}-patched` }],
          resources: names.map((object) => object.file),
        });
      }
    }
    apps.push({ name, kind, path, objects });
  }
  return { apps, files };
}
