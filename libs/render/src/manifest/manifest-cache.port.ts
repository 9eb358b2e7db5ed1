import type { RenderedManifests } from './rendered-manifests.types';

/** Where rendered manifests are kept between renders of the same inputs (Argo CD: repo-server's Redis cache). */
export interface ManifestCache {
  get(key: string): Promise<RenderedManifests | undefined>;
  set(key: string, value: RenderedManifests, ttlSeconds: number): Promise<void>;
}

/** A process-local cache for tests and single-process setups. Time is read through `now`. */
export class InMemoryManifestCache implements ManifestCache {
  private readonly entries = new Map<string, { value: RenderedManifests; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<RenderedManifests | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return structuredClone(entry.value);
  }

  async set(key: string, value: RenderedManifests, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value: structuredClone(value), expiresAt: this.now() + ttlSeconds * 1000 });
  }
}
