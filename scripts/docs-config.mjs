#!/usr/bin/env node
// `npm run docs:config`: writes the configuration table in README.md (between its markers) and
// berth.yaml.example from the settings schema (libs/infra/src/config/settings-schema.ts), so the docs
// cannot drift from the code; libs/infra/src/config/settings-docs.spec.ts fails when they differ.
// Reads the built schema: run `npm run build` first (the script says so when dist/ is missing).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist/libs/infra/src/index.js');
if (!existsSync(built)) {
  console.error('docs:config: dist/ is missing: run npm run build first');
  process.exit(1);
}
const { withConfigurationTable, exampleConfigFile } = createRequire(import.meta.url)(built);
const readme = join(root, 'README.md');
const example = join(root, 'berth.yaml.example');
writeFileSync(readme, withConfigurationTable(readFileSync(readme, 'utf8')));
writeFileSync(example, exampleConfigFile());
console.log('docs:config: wrote the table in README.md and berth.yaml.example');
