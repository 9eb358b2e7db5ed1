import { GoFloat, sprintf } from '@berth/golang';
import { parse as parseYaml } from 'yaml';
import { isPlainObject } from '../application/field-checks';
import type { GeneratorParams, GitGenerator } from './applicationset.types';
import { GeneratorError } from './generator.error';
import type { GeneratorSources } from './generator-sources.port';
import { gitPathspecMatch, goPathMatch, GlobPatternError } from './path-glob';
import { sanitizeName } from './sanitize-name';
import type { RenderOptions } from './template-render';
import { withTemplatedValues } from './templated-values';

/** A parameter file larger than this is refused (Argo CD reads whole files; Berth bounds them). */
export const MAX_GIT_PARAMETER_FILE_BYTES = 1024 * 1024;

/**
 * Argo CD's git generator. `directories`: one parameter set per directory of the revision matched by a
 * `path` (Go's path.Match) and by no `exclude: true` path. `files`: every JSON/YAML file matched by an
 * include pattern and no exclude pattern (as `git ls-files -- <pattern>` matches: `*` crosses "/"),
 * in path order; a file holding a list yields one parameter set per item. Parameters as Argo CD names them: `path`, `path.basename`,
 * `path.basenameNormalized`, `path[n]` (and for files `path.filename`, `path.filenameNormalized`, the
 * file's fields flattened with dots), or with Go templates a `path` map with `segments`.
 */
export async function gitParams(
  git: GitGenerator,
  options: RenderOptions,
  sources: GeneratorSources,
  at: string,
): Promise<GeneratorParams[]> {
  const tree = await sources.listGitTree(git.repoURL, git.revision).catch((e: unknown) => {
    throw new GeneratorError(
      at,
      `cannot list ${git.repoURL} at ${git.revision}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  });
  if (git.directories && git.directories.length > 0) {
    const items = git.directories;
    const dirs = tree.directories.filter((dir) => {
      let include = false;
      let exclude = false;
      for (const item of items) {
        if (!safeMatch(goPathMatch, item.path, dir)) continue;
        if (item.exclude) exclude = true;
        else include = true;
      }
      return include && !exclude;
    });
    return dirs.map((dir) => withTemplatedValues(git.values, directoryParams(dir, git, options), options));
  }
  if (git.files && git.files.length > 0) {
    const includes = git.files.filter((f) => !f.exclude).map((f) => f.path);
    const excludes = git.files.filter((f) => f.exclude).map((f) => f.path);
    const paths = tree.files
      .filter(
        (file) =>
          includes.some((p) => safeMatch(gitPathspecMatch, p, file)) &&
          !excludes.some((p) => safeMatch(gitPathspecMatch, p, file)),
      )
      .sort();
    const out: GeneratorParams[] = [];
    for (const file of paths) {
      const content = await sources.readGitFile(git.repoURL, git.revision, file);
      for (const object of parseParameterFile(file, content, at)) {
        out.push(withTemplatedValues(git.values, fileParams(file, object, git, options), options));
      }
    }
    return out;
  }
  throw new GeneratorError(at, 'needs directories or files; add one of them');
}

function safeMatch(match: (p: string, n: string) => boolean, pattern: string, name: string): boolean {
  try {
    return match(pattern, name);
  } catch (e) {
    // Argo CD logs a malformed pattern and matches nothing; the validator refuses them up front.
    if (e instanceof GlobPatternError) return false;
    throw e;
  }
}

function pathInfo(dir: string) {
  const basename = baseOf(dir);
  return { path: dir, basename, basenameNormalized: sanitizeName(basename) };
}

function directoryParams(dir: string, git: GitGenerator, options: RenderOptions): GeneratorParams {
  const info = pathInfo(dir);
  if (options.goTemplate) {
    const path = { ...info, segments: dir.split('/') };
    return git.pathParamPrefix ? { [git.pathParamPrefix]: { path } } : { path };
  }
  const name = git.pathParamPrefix ? `${git.pathParamPrefix}.path` : 'path';
  return {
    [name]: info.path,
    [`${name}.basename`]: info.basename,
    [`${name}.basenameNormalized`]: info.basenameNormalized,
    ...segmentParams(name, dir),
  };
}

function fileParams(
  file: string,
  object: Record<string, unknown>,
  git: GitGenerator,
  options: RenderOptions,
): GeneratorParams {
  const info = pathInfo(dirOf(file));
  const filename = baseOf(file);
  if (options.goTemplate) {
    const path = {
      ...info,
      filename,
      filenameNormalized: sanitizeName(filename),
      segments: info.path.split('/'),
    };
    return { ...object, ...(git.pathParamPrefix ? { [git.pathParamPrefix]: { path } } : { path }) };
  }
  const params: GeneratorParams = {};
  flattenInto(params, object, '');
  const name = git.pathParamPrefix ? `${git.pathParamPrefix}.path` : 'path';
  return {
    ...params,
    [name]: info.path,
    [`${name}.basename`]: info.basename,
    [`${name}.filename`]: filename,
    [`${name}.basenameNormalized`]: info.basenameNormalized,
    [`${name}.filenameNormalized`]: sanitizeName(filename),
    ...segmentParams(name, info.path),
  };
}

function segmentParams(name: string, dir: string): GeneratorParams {
  const out: GeneratorParams = {};
  dir.split('/').forEach((segment, i) => {
    if (segment !== '') out[`${name}[${i}]`] = segment;
  });
  return out;
}

/** jeremywohl/flatten's DotStyle: nested maps and lists become `a.b` / `a.0`; values printed with Go's %v. */
function flattenInto(out: GeneratorParams, value: unknown, prefix: string): void {
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) flattenInto(out, v, prefix === '' ? k : `${prefix}.${k}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => flattenInto(out, v, prefix === '' ? String(i) : `${prefix}.${i}`));
    return;
  }
  out[prefix] = goPrint(value);
}

/** Files are read as YAML into JSON, so numbers are float64 in Go. */
function goPrint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return sprintf('%v', [new GoFloat(value)]);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return sprintf('%v', [value]);
}

/** Argo CD first reads a file as one object (an empty file is an empty one), then as a list of objects. */
function parseParameterFile(file: string, content: string, at: string): Array<Record<string, unknown>> {
  if (content.length > MAX_GIT_PARAMETER_FILE_BYTES)
    throw new GeneratorError(
      at,
      `unable to process file '${file}': larger than ${MAX_GIT_PARAMETER_FILE_BYTES} bytes; split it or exclude it`,
    );
  let parsed: unknown;
  try {
    parsed = parseYaml(content, { maxAliasCount: 100 });
  } catch (e) {
    throw new GeneratorError(
      at,
      `unable to process file '${file}': ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      { cause: e },
    );
  }
  if (parsed === null || parsed === undefined) return [{}];
  if (isPlainObject(parsed)) return [parsed];
  if (Array.isArray(parsed) && parsed.every((item) => isPlainObject(item))) return parsed;
  throw new GeneratorError(
    at,
    `unable to process file '${file}': expected a map or a list of maps; write the parameters as key: value`,
  );
}

function baseOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path === '' ? '.' : '/';
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}
