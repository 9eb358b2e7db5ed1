/**
 * The sandbox's documented failure rules (see README): they let a demo or a test provoke the
 * failures Argo CD health checks must catch, without a registry or a kubelet.
 */
export type ContainerFate = 'runs' | 'unpullable' | 'crashloop' | 'fails';

export interface ContainerLike {
  name?: string;
  image?: string;
  env?: Array<{ name?: string; value?: string }>;
}

/** Registry host and tag of an image reference (`host/repo:tag@digest`). */
export function parseImage(image: string): { host: string; tag: string } {
  const noDigest = image.split('@')[0] ?? '';
  const firstSlash = noDigest.indexOf('/');
  const firstPart = firstSlash >= 0 ? noDigest.slice(0, firstSlash) : '';
  const host =
    firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost' ? firstPart : 'docker.io';
  const lastSegment = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return { host: host.split(':')[0] ?? host, tag: colon >= 0 ? lastSegment.slice(colon + 1) : 'latest' };
}

export function containerFate(c: ContainerLike): ContainerFate {
  const { host, tag } = parseImage(c.image ?? '');
  if (host === 'invalid.example' || host.endsWith('.invalid.example') || tag === 'doesnotexist')
    return 'unpullable';
  const env = (name: string) => (c.env ?? []).some((e) => e.name === name && e.value === '1');
  if (tag === 'crashloop' || env('SANDBOX_CRASH')) return 'crashloop';
  if (tag === 'fail' || env('SANDBOX_FAIL')) return 'fails';
  return 'runs';
}

/** The worst fate among a pod's containers decides the pod. */
export function podFate(containers: ContainerLike[]): ContainerFate {
  const fates = containers.map(containerFate);
  for (const f of ['unpullable', 'crashloop', 'fails'] as const) if (fates.includes(f)) return f;
  return 'runs';
}
