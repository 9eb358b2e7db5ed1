/** The flags of `argocd app create` / `app set`, as given. */
export interface AppSpecFlags {
  repo?: string;
  path?: string;
  helmChart?: string;
  revision?: string;
  destServer?: string;
  destName?: string;
  destNamespace?: string;
  project?: string;
  syncPolicy?: string;
  autoPrune?: boolean;
  selfHeal?: boolean;
  syncOption?: string[];
  helmSet?: string[];
  values?: string[];
  kustomizeImage?: string[];
  label?: string[];
}

type Obj = Record<string, unknown>;

const obj = (value: unknown): Obj =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};

/**
 * An Application manifest from `app create` flags; with `base` (the stored app, for `app set`) the flags
 * change only what they name. Pure: the server validates the result and names any field that is wrong.
 */
export function applyAppFlags(name: string, flags: AppSpecFlags, base?: Obj): Obj {
  const manifest: Obj = base
    ? structuredClone(base)
    : {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name, namespace: 'argocd' },
        spec: {},
      };
  const metadata = obj(manifest['metadata']);
  const spec = obj(manifest['spec']);
  manifest['metadata'] = metadata;
  manifest['spec'] = spec;
  if (flags.label?.length)
    metadata['labels'] = { ...obj(metadata['labels']), ...keyValues(flags.label, '--label') };
  if (flags.project !== undefined) spec['project'] = flags.project;
  else if (!base) spec['project'] = 'default';

  const source = obj(spec['source']);
  const setSource = (key: string, value: string | undefined) => {
    if (value !== undefined) source[key] = value;
  };
  setSource('repoURL', flags.repo);
  setSource('path', flags.path);
  setSource('chart', flags.helmChart);
  setSource('targetRevision', flags.revision);
  if (flags.helmSet?.length || flags.values?.length) {
    const helm = obj(source['helm']);
    if (flags.helmSet?.length) {
      const parameters = (Array.isArray(helm['parameters']) ? helm['parameters'] : []) as Array<{
        name: string;
      }>;
      const set = keyValues(flags.helmSet, '--helm-set');
      helm['parameters'] = [
        ...parameters.filter((p) => !(p.name in set)),
        ...Object.entries(set).map(([k, v]) => ({ name: k, value: v })),
      ];
    }
    if (flags.values?.length) helm['valueFiles'] = flags.values;
    source['helm'] = helm;
  }
  if (flags.kustomizeImage?.length)
    source['kustomize'] = { ...obj(source['kustomize']), images: flags.kustomizeImage };
  if (Object.keys(source).length > 0 && !Array.isArray(spec['sources'])) spec['source'] = source;

  const destination = obj(spec['destination']);
  if (flags.destServer !== undefined) {
    destination['server'] = flags.destServer;
    delete destination['name'];
  }
  if (flags.destName !== undefined) {
    destination['name'] = flags.destName;
    delete destination['server'];
  }
  if (flags.destNamespace !== undefined) destination['namespace'] = flags.destNamespace;
  spec['destination'] = destination;

  const policy = obj(spec['syncPolicy']);
  if (flags.syncPolicy !== undefined) {
    if (/^(automated|automatic|auto)$/i.test(flags.syncPolicy))
      policy['automated'] = obj(policy['automated']);
    else if (/^(none|manual)$/i.test(flags.syncPolicy)) delete policy['automated'];
    else throw new Error(`--sync-policy ${flags.syncPolicy}: use automated or none`);
  }
  if (flags.autoPrune !== undefined || flags.selfHeal !== undefined) {
    if (!policy['automated'])
      throw new Error('--auto-prune and --self-heal need automated sync: add --sync-policy automated');
    const automated = obj(policy['automated']);
    if (flags.autoPrune !== undefined) automated['prune'] = flags.autoPrune;
    if (flags.selfHeal !== undefined) automated['selfHeal'] = flags.selfHeal;
    policy['automated'] = automated;
  }
  if (flags.syncOption?.length) {
    const existing = (Array.isArray(policy['syncOptions']) ? policy['syncOptions'] : []) as string[];
    const keys = new Set(flags.syncOption.map((o) => o.split('=')[0]));
    policy['syncOptions'] = [...existing.filter((o) => !keys.has(o.split('=')[0])), ...flags.syncOption];
  }
  if (Object.keys(policy).length > 0) spec['syncPolicy'] = policy;
  return manifest;
}

/** `k=v` pairs; one without `=` is refused naming the flag. */
export function keyValues(pairs: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`${flag} ${pair}: expected key=value`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** What `app unset` can remove: the Helm parameters and value files, kustomize images, sync options. */
export function unsetAppFields(
  base: Obj,
  flags: { parameter?: string[]; valuesFile?: string[]; kustomizeImage?: string[]; syncOption?: string[] },
): Obj {
  const manifest = structuredClone(base);
  const spec = obj(manifest['spec']);
  const source = obj(spec['source']);
  const helm = obj(source['helm']);
  if (flags.parameter?.length && Array.isArray(helm['parameters']))
    helm['parameters'] = (helm['parameters'] as Array<{ name: string }>).filter(
      (p) => !flags.parameter!.includes(p.name),
    );
  if (flags.valuesFile?.length && Array.isArray(helm['valueFiles']))
    helm['valueFiles'] = (helm['valueFiles'] as string[]).filter((f) => !flags.valuesFile!.includes(f));
  const kustomize = obj(source['kustomize']);
  if (flags.kustomizeImage?.length && Array.isArray(kustomize['images']))
    kustomize['images'] = (kustomize['images'] as string[]).filter(
      (i) =>
        !flags.kustomizeImage!.some(
          (name) => i === name || i.startsWith(`${name}=`) || i.startsWith(`${name}:`),
        ),
    );
  const policy = obj(spec['syncPolicy']);
  if (flags.syncOption?.length && Array.isArray(policy['syncOptions']))
    policy['syncOptions'] = (policy['syncOptions'] as string[]).filter(
      (o) => !flags.syncOption!.some((name) => o === name || o.startsWith(`${name}=`)),
    );
  return manifest;
}
