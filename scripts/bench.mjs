// `npm run bench -- [--apps N --workers W --scenario S ...]`: a thin entry; the harness is libs/bench.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'libs', 'bench', 'src', 'cli.js');
if (!existsSync(cli)) {
  console.error(`${cli} not found: run \`npm run build\` first`);
  process.exit(2);
}
process.chdir(root);
const { main } = createRequire(import.meta.url)(cli);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
