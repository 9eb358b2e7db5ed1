import { isInside } from '@berth/sources';
import { copyFile, link, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { RenderError } from '../../render.error';
import { jsonnetImports, JsonnetSyntaxError, type JsonnetImport } from './jsonnet-imports';

/** An `extVars` / `tlas` entry, its value already substituted (build environment). */
export interface JsonnetVariable {
  name: string;
  value: string;
  /** The value is Jsonnet code (it may import files: those are confined too). */
  code: boolean;
  /** The spec field, e.g. `spec.source.directory.jsonnet.tlas[0]`. */
  field: string;
}

export interface JsonnetWorkspaceInput {
  /** The repository tree: nothing the programs read may leave it. */
  treeRoot: string;
  appDir: string;
  /** The `.jsonnet` files to evaluate (inside `appDir`). */
  files: readonly string[];
  /** `libs` directories (inside the tree), searched after the app directory. */
  libs: readonly string[];
  extVars: readonly JsonnetVariable[];
  tlas: readonly JsonnetVariable[];
  /** Where the workspace goes (never the data dir). Default the OS temp dir. */
  workDir?: string;
}

const MAX_FILES = 10_000;
const MAX_BYTES = 64 * 1024 * 1024;
const FIELD = 'spec.source.path';

function relPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}

/**
 * A per-render directory holding only what the Jsonnet programs of one render may read: the `.jsonnet`
 * files and, transitively, every file they `import` / `importstr` (hard links into the shared tree),
 * plus the `extVars` / `tlas` values as files (never on the command line). The imports are found before
 * jsonnet runs (jsonnet-imports.ts) and each is resolved the way jsonnet resolves it: from the importing
 * file's directory, then the library paths (the app directory and `libs`). An import that could reach
 * outside the repository by any of those (an absolute path, `..` past the root, a symlink out) is
 * refused naming the file and line. The C++ jsonnet opens any path it is given; confined this way it
 * can only find what is linked here.
 */
export class JsonnetWorkspace {
  private bytes = 0;
  private readonly linked = new Set<string>();
  private readonly scanned = new Set<string>();
  private realRoot = '';

  private constructor(
    readonly dir: string,
    private readonly input: JsonnetWorkspaceInput,
  ) {}

  static async create(input: JsonnetWorkspaceInput): Promise<JsonnetWorkspace> {
    const dir = await mkdtemp(join(input.workDir ?? tmpdir(), 'berth-jsonnet-'));
    const workspace = new JsonnetWorkspace(dir, input);
    try {
      await workspace.prepare();
      return workspace;
    } catch (err) {
      await workspace.dispose();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Where a path of the tree is in the workspace. */
  place(treePath: string): string {
    return join(this.dir, 'tree', relative(this.input.treeRoot, treePath));
  }

  /** The repository-relative path of a workspace path (for messages); other text unchanged. */
  showPaths(text: string): string {
    return text
      .split(`${join(this.dir, 'tree')}/`)
      .join('')
      .split(`${join(this.dir, 'vars')}/`)
      .join('');
  }

  /** jsonnet's arguments before `--`: library paths (right-most wins), then the variables as files. */
  get arguments(): string[] {
    const args: string[] = [];
    for (const jpath of [this.input.appDir, ...this.input.libs]) args.push('-J', this.place(jpath));
    const each = (kind: 'ext' | 'tla', variables: readonly JsonnetVariable[]) =>
      variables.forEach((variable, i) => {
        const flag = `--${kind}-${variable.code ? 'code' : 'str'}-file`;
        args.push(flag, `${variable.name}=${join(this.dir, 'vars', `${kind}-${i}`)}`);
      });
    each('ext', this.input.extVars);
    each('tla', this.input.tlas);
    return args;
  }

  /** Library paths in the order jsonnet searches them after the importer's directory. */
  private get searchPath(): string[] {
    return [this.input.appDir, ...this.input.libs].reverse();
  }

  private async prepare(): Promise<void> {
    this.realRoot = await realpath(this.input.treeRoot);
    for (const jpath of [this.input.appDir, ...this.input.libs])
      await mkdir(this.place(jpath), { recursive: true });
    const vars = join(this.dir, 'vars');
    await mkdir(vars, { recursive: true, mode: 0o700 });
    for (const [kind, variables] of [
      ['ext', this.input.extVars],
      ['tla', this.input.tlas],
    ] as const) {
      for (const [i, variable] of variables.entries()) {
        await writeFile(join(vars, `${kind}-${i}`), variable.value, { mode: 0o600 });
        // jsonnet evaluates a code file as `import "<file>"`: its imports resolve from the vars directory
        // (only the variable files are there), then the library paths.
        if (variable.code) await this.follow(variable.value, `${variable.field}.value`, vars, vars);
      }
    }
    for (const file of this.input.files) await this.addProgram(file);
  }

  /** Links a Jsonnet file and everything it imports, transitively. */
  private async addProgram(file: string): Promise<void> {
    if (this.scanned.has(file)) return;
    this.scanned.add(file);
    await this.linkFile(file);
    const text = await readFile(file, 'utf8');
    await this.follow(text, relPath(this.input.treeRoot, file), dirname(file), this.input.treeRoot);
  }

  /** Resolves the imports of `text` (from `where`, a file or field) as jsonnet would, linking what they find. */
  private async follow(
    text: string,
    where: string,
    importerDir: string,
    importerRoot: string,
  ): Promise<void> {
    let imports: JsonnetImport[];
    try {
      imports = jsonnetImports(text);
    } catch (err) {
      if (!(err instanceof JsonnetSyntaxError)) throw err;
      throw new RenderError('invalid-manifest', `${where}:${err.line}: ${err.message}`, FIELD, {
        cause: err,
      });
    }
    for (const imported of imports) await this.resolve(imported, where, importerDir, importerRoot);
  }

  private async resolve(
    imported: JsonnetImport,
    where: string,
    importerDir: string,
    importerRoot: string,
  ): Promise<void> {
    const at = `${where}:${imported.line}: ${imported.kind} "${imported.path}"`;
    if (imported.path === '') return; // jsonnet refuses it itself
    if (isAbsolute(imported.path)) {
      throw new RenderError(
        'path-escape',
        `${at} is an absolute path; Jsonnet sources may only import files of their repository, by relative path or through spec.source.directory.jsonnet.libs`,
        FIELD,
      );
    }
    const candidates: [string, string][] = [
      [importerDir, importerRoot],
      ...this.searchPath.map((dir): [string, string] => [dir, this.input.treeRoot]),
    ];
    const found: string[] = [];
    for (const [dir, root] of candidates) {
      const candidate = join(dir, imported.path);
      if (!isInside(root, candidate)) {
        throw new RenderError(
          'path-escape',
          `${at} leaves the repository (from ${relPath(this.input.treeRoot, dir)}); keep imports inside the repository`,
          FIELD,
        );
      }
      if (root === this.input.treeRoot) found.push(candidate);
    }
    for (const candidate of found) {
      const info = await stat(candidate).catch(() => undefined);
      if (!info) continue; // not there: jsonnet tries the next place, as here
      const real = await realpath(candidate);
      if (!isInside(this.realRoot, real)) {
        throw new RenderError(
          'symlink-escape',
          `${at} goes through a symlink to outside the repository; Berth only reads files inside it`,
          FIELD,
        );
      }
      if (!info.isFile()) continue; // a directory: jsonnet fails to import it
      if (imported.kind === 'import') await this.addProgram(candidate);
      else await this.linkFile(candidate);
    }
  }

  /** Hard-links a tree file into the workspace (a copy across file systems), once. */
  private async linkFile(file: string): Promise<void> {
    if (this.linked.has(file)) return;
    this.linked.add(file);
    const real = await realpath(file);
    this.bytes += (await stat(real)).size;
    if (this.linked.size > MAX_FILES || this.bytes > MAX_BYTES) {
      throw new RenderError(
        'repo-too-large',
        `the Jsonnet programs import more than ${MAX_FILES} files or ${MAX_BYTES} bytes; split the application`,
        FIELD,
      );
    }
    const dest = this.place(file);
    await mkdir(dirname(dest), { recursive: true });
    await link(real, dest).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return;
      await copyFile(real, dest);
    });
  }
}
