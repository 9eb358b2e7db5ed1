#!/usr/bin/env node
// Re-seals every stored credential with the current BERTH_SECRET_KEY. Run with the new key in
// BERTH_SECRET_KEY and the old one in BERTH_SECRET_KEY_PREVIOUS; afterwards drop the old key.
// Needs `npm run build` first.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createDataSource, ServerKeyRepository } = require('../dist/libs/event-store/src/index.js');
const { SecretBox } = require('../dist/libs/infra/src/index.js');
const { loadConfigOrExit } = require('../dist/libs/runtime/src/index.js');
const { resealStoredServerKey } = require('../dist/libs/auth/src/index.js');

// BERTH_SERVER_CONFIG or ./berth.yaml too, under the environment, as the processes read them.
const config = loadConfigOrExit();
const box = SecretBox.fromConfig(config);
const ds = createDataSource(config.databaseUrl, { applicationName: 'berth-rotate-secrets' });
await ds.initialize();
let resealed = 0;
for (const [table, key, column] of [
  ['repositories', 'url', 'sealed_credentials'],
  ['clusters', 'name', 'sealed_config'],
]) {
  const rows = await ds.query(
    `SELECT ${key} AS id, ${column} AS sealed FROM ${table} WHERE ${column} IS NOT NULL`,
  );
  for (const row of rows) {
    if (!box.isStale(row.sealed)) continue;
    await ds.query(`UPDATE ${table} SET ${column} = $2, updated_at = now() WHERE ${key} = $1`, [
      row.id,
      box.seal(box.open(row.sealed)),
    ]);
    resealed++;
  }
}
// The token signing key Berth generated (when BERTH_SERVER_SECRET_KEY is not set) is sealed the same way.
const serverKeys = new ServerKeyRepository(ds);
if (await resealStoredServerKey(box, () => serverKeys.current(), serverKeys)) resealed++;
await ds.destroy();
console.log(`re-sealed ${resealed} stored credential(s) with the current key`);
