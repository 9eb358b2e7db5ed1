// The team's Git repository for the demo: the seed's k8s-manifests (base + dev/staging/prod
// overlays) in a bare repo under a temp dir, changed through a work tree like a person would.
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const IDENTITY = [
  '-c',
  'user.name=Dana (platform team)',
  '-c',
  'user.email=dana@example.com',
  '-c',
  'commit.gpgsign=false',
];

export class DemoGitRepo {
  /** @param {string} workDir @param {string} bareDir */
  constructor(workDir, bareDir) {
    this.workDir = workDir;
    this.bareDir = bareDir;
  }

  /** The repoURL the Applications use (the demo runs with BERTH_ALLOW_FILE_REPOS=true). */
  get repoURL() {
    return `file://${this.bareDir}`;
  }

  /** Creates the bare repo and pushes the manifests from `source` as the first commit on main. */
  static async create(root, source) {
    const bareDir = join(root, 'k8s-manifests.git');
    const workDir = join(root, 'k8s-manifests');
    await mkdir(bareDir, { recursive: true });
    await run('git', ['init', '--bare', '--quiet', '--initial-branch=main', bareDir]);
    await cp(source, workDir, { recursive: true });
    const repo = new DemoGitRepo(workDir, bareDir);
    await repo.git('init', '--quiet', '--initial-branch=main');
    await repo.git('remote', 'add', 'origin', bareDir);
    await repo.commitAll('Seed: base + dev/staging/prod overlays');
    return repo;
  }

  async git(...args) {
    const { stdout } = await run('git', [...IDENTITY, ...args], { cwd: this.workDir });
    return stdout.trim();
  }

  async commitAll(message) {
    await this.git('add', '--all');
    await this.git('commit', '--quiet', '-m', message);
    await this.git('push', '--quiet', 'origin', 'main');
    return this.head();
  }

  head() {
    return this.git('rev-parse', 'HEAD');
  }

  /** Rewrites one file with `edit` (text -> text) and commits; returns the new SHA. */
  async edit(path, edit, message) {
    const file = join(this.workDir, path);
    const before = await readFile(file, 'utf8');
    const after = edit(before);
    if (after === before)
      throw new Error(`editing ${path} changed nothing: the demo's edit no longer matches the file`);
    await writeFile(file, after);
    return this.commitAll(message);
  }

  /** The GitOps rollback: a new commit that undoes `sha`, pushed. */
  async revert(sha) {
    await this.git('revert', '--no-edit', sha);
    await this.git('push', '--quiet', 'origin', 'main');
    return this.head();
  }

  /** What GitHub would POST to /api/webhook after a push to main. */
  pushWebhookBody(after) {
    return JSON.stringify({
      ref: 'refs/heads/main',
      after,
      repository: { url: this.repoURL, clone_url: this.repoURL, html_url: this.repoURL },
      pusher: { name: 'dana' },
    });
  }
}

/** Sets `newTag` of the image in a Kustomize overlay's kustomization.yaml. */
export function withImageTag(kustomization, tag) {
  return kustomization.replace(/newTag: .*/, `newTag: ${tag}`);
}

/** Sets a key of a ConfigMap overlay. */
export function withConfigValue(configmap, key, value) {
  return configmap.replace(new RegExp(`(\\n  ${key}: ).*`), `$1${value}`);
}
