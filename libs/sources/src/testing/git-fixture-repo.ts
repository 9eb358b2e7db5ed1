import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

/** File content to write, `null` to delete, or `{ symlink: target }` for a symbolic link. */
export type FixtureFile = string | null | { symlink: string };

/**
 * A real Git repository for tests: commits are made in a work tree and pushed to a bare
 * repository `<root>/<name>.git`, which is what the code under test fetches (over `file://`
 * or through `startGitHttpServer` with `projectRoot: root`).
 */
export class GitFixtureRepo {
  private constructor(
    readonly workDir: string,
    readonly bareDir: string,
    private readonly git: SimpleGit,
  ) {}

  static async create(root: string, name: string): Promise<GitFixtureRepo> {
    const workDir = join(root, 'work', name);
    const bareDir = join(root, `${name}.git`);
    await mkdir(workDir, { recursive: true });
    await mkdir(bareDir, { recursive: true });
    await simpleGit(bareDir).raw(['init', '--bare', '--quiet', '--initial-branch=main']);
    const git = simpleGit({
      baseDir: workDir,
      config: [
        'user.name=Berth Test',
        'user.email=test@berth.invalid',
        'commit.gpgsign=false',
        'tag.gpgsign=false',
      ],
    });
    await git.raw(['init', '--quiet', '--initial-branch=main']);
    await git.raw(['remote', 'add', 'origin', bareDir]);
    return new GitFixtureRepo(workDir, bareDir, git);
  }

  get fileUrl(): string {
    return `file://${this.bareDir}`;
  }

  /** Writes the files, commits everything and pushes the current branch. Returns the commit SHA. */
  async commit(files: Record<string, FixtureFile>, message = 'change'): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      const target = join(this.workDir, path);
      await rm(target, { recursive: true, force: true });
      if (content === null) continue;
      await mkdir(dirname(target), { recursive: true });
      if (typeof content === 'string') await writeFile(target, content);
      else await symlink(content.symlink, target);
    }
    return this.commitAll(message);
  }

  /** Copies a directory tree into the repository at `dest` and commits it. */
  async commitDir(source: string, dest: string, message = `add ${dest}`): Promise<string> {
    await cp(source, join(this.workDir, dest), { recursive: true, verbatimSymlinks: true });
    return this.commitAll(message);
  }

  async tag(name: string, annotated = false): Promise<void> {
    if (annotated) await this.git.raw(['tag', '-a', name, '-m', `release ${name}`]);
    else await this.git.raw(['tag', name]);
    await this.git.raw(['push', '--quiet', 'origin', `refs/tags/${name}`]);
  }

  /** Creates (or switches to) a branch; later commits go there. */
  async branch(name: string): Promise<void> {
    const existing = (await this.git.raw(['branch', '--list', name])).trim();
    await this.git.raw(existing ? ['checkout', '--quiet', name] : ['checkout', '--quiet', '-b', name]);
    await this.git.raw(['push', '--quiet', 'origin', name]);
  }

  async head(): Promise<string> {
    return (await this.git.raw(['rev-parse', 'HEAD'])).trim();
  }

  private async commitAll(message: string): Promise<string> {
    await this.git.raw(['add', '--all']);
    await this.git.raw(['commit', '--quiet', '--allow-empty', '-m', message]);
    const branch = (await this.git.raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
    await this.git.raw(['push', '--quiet', '--force', 'origin', branch]);
    return this.head();
  }
}
