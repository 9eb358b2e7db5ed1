import type { ResourceRef } from './application';

/**
 * `--resource [GROUP]:KIND:[NAMESPACE/]NAME`, Argo CD's selective sync filter (`argocd app sync
 * --resource apps:Deployment:default/guestbook-ui`; the core group is empty: `:Service:guestbook-ui`).
 */
export function parseResourceFilter(text: string): ResourceRef {
  const parts = text.split(':');
  if (parts.length !== 3 || !parts[1] || !parts[2])
    throw new Error(
      `--resource ${text}: expected GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME (empty GROUP for core kinds)`,
    );
  const [group, kind, rest] = parts as [string, string, string];
  const slash = rest.indexOf('/');
  const namespace = slash >= 0 ? rest.slice(0, slash) : undefined;
  const name = slash >= 0 ? rest.slice(slash + 1) : rest;
  if (!name) throw new Error(`--resource ${text}: the name is empty`);
  return { group, kind, name, ...(namespace ? { namespace } : {}) };
}
