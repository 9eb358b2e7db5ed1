import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { KubernetesObject } from '../source.types';

/** `libs/render/testdata`, found from the working directory (Jest runs from the checkout root). */
export function renderTestdataDir(): string {
  let dir = process.cwd();
  for (let depth = 0; depth < 16; depth++) {
    const candidate = join(dir, 'libs', 'render', 'testdata');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  throw new Error(`libs/render/testdata not found above ${process.cwd()}; run the tests from the checkout`);
}

/** Objects as a YAML stream, the form golden files are kept in. */
export function toYamlStream(objects: readonly KubernetesObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}

/**
 * Returns the golden file's text, or writes it first when `UPDATE_GOLDEN=1` (then review the
 * diff in Git before committing).
 */
export async function golden(name: string, actual: string): Promise<string> {
  const path = join(renderTestdataDir(), 'golden', `${name}.yaml`);
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, actual);
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing; run the test with UPDATE_GOLDEN=1`);
  return readFile(path, 'utf8');
}
