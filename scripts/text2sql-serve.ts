/**
 * For catalog authors: `tsx scripts/text2sql-serve.ts DB [PORT]` starts a throwaway embedded
 * PostgreSQL, loads one text2sql-dev database and prints the environment that points `tally` at
 * it. Stops on Ctrl-C.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadText2Sql, TEXT2SQL_DATABASES, type Text2SqlDatabase } from '../eval/text2sql/load.ts';
import { ensureDatabase, startEmbedded } from '../warehouse/embedded.ts';

const name = process.argv[2] as Text2SqlDatabase;
if (!TEXT2SQL_DATABASES.includes(name)) {
  console.error(`usage: tsx scripts/text2sql-serve.ts ${TEXT2SQL_DATABASES.join('|')} [port]`);
  process.exit(2);
}
const port = Number(process.argv[3] ?? 55400 + TEXT2SQL_DATABASES.indexOf(name));
const home = await mkdtemp(path.join(tmpdir(), `tally-${name}-`));
await chmod(home, 0o755);
const cluster = await startEmbedded({ home, port, throwaway: true });
const url = await loadText2Sql(cluster.superuserUrl('postgres'), name);
await ensureDatabase(cluster.superuserUrl('postgres'), 'tally');
console.log(`export ANALYTICS_DB_URL='${url}'`);
console.log(`export DATABASE_URL='${cluster.superuserUrl('tally')}'`);
console.log('# then: TALLY_CATALOG=tests/fixtures/<db>/catalog.yaml npm run tally -- ask "…"');
const stop = async () => {
  await cluster.stop();
  await rm(home, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
