/**
 * Repository URL forms Argo CD accepts. Git: https://, http://, ssh://, git://, file:// and the scp-like
 * `git@host:org/repo.git`. Helm: https://, http://, oci://, or an OCI registry written without a scheme.
 */
const GIT_URL_FORMS: readonly RegExp[] = [
  /^https?:\/\/[^\s/@]+(@[^\s/]+)?\/\S+$/i,
  /^ssh:\/\/[^\s/]+\/\S+$/i,
  /^git:\/\/[^\s/]+\/\S+$/i,
  /^file:\/\/\S+$/i,
  /^[\w.-]+@[\w.-]+:(?!\/)\S+$/,
];

const HELM_REPO_FORMS: readonly RegExp[] = [
  /^https?:\/\/[^\s/]+(\/\S*)?$/i,
  /^oci:\/\/[^\s/]+(\/\S*)?$/i,
  /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/\S*)?$/i,
];

export function isGitRepoUrl(url: string): boolean {
  return GIT_URL_FORMS.some((form) => form.test(url));
}

export function isHelmRepoUrl(url: string): boolean {
  return HELM_REPO_FORMS.some((form) => form.test(url));
}

/** True when the URL carries a password or token (`https://user:secret@host`), which belongs in a repo secret. */
export function hasEmbeddedCredentials(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(url);
}
