import { BenchOptionsError, parseBenchOptions, USAGE } from './bench-options';
import { runBench } from './bench-runner';

/** `npm run bench -- [options]`: runs the scenarios, prints the summary table, writes the JSON. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    if (error instanceof BenchOptionsError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { report, table, jsonPath, logsDir } = await runBench({
    ...options,
    progress: options.progress && process.stderr.isTTY === true,
  });
  process.stdout.write(
    `\n${table}\n\nevery figure: ${jsonPath}\n${logsDir ? `process logs: ${logsDir}\n` : ''}`,
  );
  return report.scenarios.some((s) => s.status === 'failed') ? 1 : 0;
}
