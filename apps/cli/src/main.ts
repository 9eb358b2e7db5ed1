#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from './cli-program';
import { reportError } from './commands/action';

/** The package version: dist/apps/cli/src/main.js is four levels below package.json. */
function version(): string {
  try {
    return (
      JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return 'unknown';
  }
}

buildProgram(version())
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.exitCode = reportError(error);
  });
