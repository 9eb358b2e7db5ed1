// A guestbook UI, parameterised as Argo CD's Jsonnet docs describe: top-level arguments,
// external variables, a library from spec.source.directory.jsonnet.libs and an importstr.
local labels = import 'labels.libsonnet';
local params = import 'params.libsonnet';
local banner = importstr 'banner.txt';

function(replicas, tier='frontend', extra={})
  [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: params.name, labels: labels.common(params.name, tier) },
      spec: {
        ports: [{ port: params.servicePort, targetPort: params.containerPort }],
        selector: { app: params.name },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: params.name,
        labels: labels.common(params.name, tier),
        annotations: { 'example.com/banner': std.rstripChars(banner, '\n') },
      },
      spec: {
        replicas: replicas,
        selector: { matchLabels: { app: params.name } },
        template: {
          metadata: {
            labels: labels.common(params.name, tier) + {
              environment: std.extVar('environment'),
              revision: std.extVar('revision'),
            },
          },
          spec: {
            containers: [
              {
                name: params.name,
                image: params.image,
                ports: [{ containerPort: params.containerPort }],
                env: [{ name: 'REPLICAS_TIMES_TEN', value: std.toString(std.extVar('scale') * 10) }],
              },
            ],
          },
        },
      },
    } + extra,
    null,
  ]
