// `npm run bench:render -- [--apps N] [--concurrency C] [--redis redis://host:port]`: renders a
// generated repository of plain, kustomize and helm apps cold and warm; the harness is
// libs/render/src/bench. The TypeScript is compiled on the fly with SWC (no build needed, never stale).
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { transformSync } = require('@swc/core');

// Let require() load the lib's .ts files (relative imports without extensions) as CommonJS.
Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

// The libs import each other as `@berth/<lib>[/path]` (tsconfig paths): resolve those to their sources.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@berth\/([a-z-]+)(?:\/(.+))?$/.exec(request);
  if (alias) request = join(root, 'libs', alias[1], 'src', alias[2] ? `${alias[2]}.ts` : 'index.ts');
  return resolveFilename.call(this, request, ...rest);
};

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '1' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});

process.chdir(root);
const { runRenderBench, formatRenderBenchTable } = require(
  join(root, 'libs/render/src/bench/render-bench.ts'),
);
try {
  const result = await runRenderBench({
    apps: Number(values.apps),
    concurrency: Number(values.concurrency),
    redisUrl: values.redis,
    log: (line) => console.log(line),
  });
  const { total, byKind, objects } = result.apps;
  console.log(
    `\n${total} apps (${byKind.plain} plain, ${byKind.kustomize} kustomize, ${byKind.helm} helm; ${objects} objects), ` +
      `concurrency ${result.concurrency}, helm ${result.tools.helm}, kustomize ${result.tools.kustomize}, node ${result.node}\n`,
  );
  console.log(formatRenderBenchTable(result));
  console.log(`\nwrote ${result.resultFile}`);
} catch (error) {
  console.error(`bench:render: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
}
