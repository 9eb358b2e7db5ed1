// Node module hooks so a child process can run the worker's TypeScript sources directly, the way
// Jest does (SWC, ES modules, @berth/* path aliases). Test-only: production runs the nest build.
import { transformFile } from '@swc/core';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolvePath(dirname(fileURLToPath(import.meta.url)), '../../..');
const ALIAS = /^@berth\/([^/]+)(?:\/(.*))?$/;

function tsFile(base) {
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

export async function resolve(specifier, context, next) {
  const alias = ALIAS.exec(specifier);
  let base;
  if (alias) base = resolvePath(root, 'libs', alias[1], 'src', alias[2] ?? 'index');
  else if (/^\.\.?\//.test(specifier) && context.parentURL?.endsWith('.ts'))
    base = resolvePath(dirname(fileURLToPath(context.parentURL)), specifier);
  const file = base && tsFile(base);
  if (file) return { url: pathToFileURL(file).href, shortCircuit: true };
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const { code } = await transformFile(fileURLToPath(url), {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
