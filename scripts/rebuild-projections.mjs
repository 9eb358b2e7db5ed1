#!/usr/bin/env node
// Replays the whole event log into fresh read models and snapshots, then compares them with the live
// tables (--check: report and exit 1 on a difference, change nothing) or replaces them (default).
// Needs `npm run build` first. Appends wait while it runs (it holds the streams table).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createDataSource, createProjectionRebuilder } = require('../dist/libs/event-store/src/index.js');
const { loadConfigOrExit } = require('../dist/libs/runtime/src/index.js');

const check = process.argv.includes('--check');
// BERTH_SERVER_CONFIG or ./berth.yaml too, under the environment, as the processes read them.
const config = loadConfigOrExit();
const dataSource = createDataSource(config.databaseUrl, { applicationName: 'berth-rebuild-projections' });
await dataSource.initialize();
try {
  const started = Date.now();
  const report = await createProjectionRebuilder(dataSource).rebuild({ check });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `replayed ${report.events} events of ${report.streams} streams into ${report.projections.join(', ')} and snapshots in ${took} s`,
  );
  for (const u of report.unreadable)
    console.log(`unreadable: ${u.streamId} version ${u.streamVersion} (${u.type}): ${u.error}`);
  for (const d of report.differences)
    console.log(
      `${d.table}: ${d.missingOrDifferent} rows missing or different, ${d.unexpected} unexpected (e.g. ${d.examples.join(', ')})`,
    );
  if (report.differences.length === 0) console.log('the read models equal the replay of the log');
  else console.log(check ? 'run without --check to replace them' : 'replaced with the replay');
  process.exitCode = check && report.differences.length > 0 ? 1 : 0;
} finally {
  await dataSource.destroy();
}
