/** What the sandbox API server answered, by kind of request (`GET /sandbox/request-counts`). */
export interface SandboxRequestCounts {
  get: number;
  list: number;
  watch: number;
  write: number;
  other: number;
}

/** The sandbox's request counters now: every client's requests (workers, scheduler, the bench itself). */
export async function sandboxRequestCounts(sandboxUrl: string): Promise<SandboxRequestCounts> {
  const res = await fetch(`${sandboxUrl}/sandbox/request-counts`);
  if (!res.ok) throw new Error(`GET ${sandboxUrl}/sandbox/request-counts: HTTP ${res.status}`);
  return (await res.json()) as SandboxRequestCounts;
}

export function diffRequestCounts(
  after: SandboxRequestCounts,
  before: SandboxRequestCounts,
): SandboxRequestCounts {
  return {
    get: after.get - before.get,
    list: after.list - before.list,
    watch: after.watch - before.watch,
    write: after.write - before.write,
    other: after.other - before.other,
  };
}
