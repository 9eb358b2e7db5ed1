/**
 * Argo CD's NormalizeGitURL, so that `git@github.com:Org/Repo.git`, `ssh://git@github.com/org/repo`
 * and a sourceRepos pattern written either way compare equal: lowercased, scp-style SSH rewritten
 * with a slash, the `ssh://` scheme and a trailing `.git` removed.
 */
export function normalizeGitUrl(url: string): string {
  let normalized = url.trim().toLowerCase();
  if (!normalized.includes('://') && /^[^@\s/]+@[^:\s/]+:/.test(normalized)) {
    normalized = normalized.replace(':', '/');
  }
  normalized = normalized.replace(/^ssh:\/\//, '');
  return normalized.replace(/\.git$/, '');
}
