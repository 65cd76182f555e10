/**
 * `tally catalog init | drift | gaps` (and `lint --warehouse`), registered on the `catalog` command. Only commander is
 * imported here: each action loads its code when it runs, so `tally --help` pays nothing.
 */
import type { Command } from 'commander';

const commands = () => import('./commands.ts');
const overlays = () => import('./overlay-commands.ts');
const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').filter(Boolean),
];

export function registerCatalogAdminCommands(catalog: Command): void {
  catalog
    .command('init')
    .description('Draft a catalog from a live PostgreSQL: tables, joins, metrics, personal data.')
    .option('--url <url>', 'warehouse connection URL (default: ANALYTICS_DB_URL or the embedded warehouse)')
    .option('--schema <name>', 'schema to include (repeat or comma-separate; default: all)', collect)
    .option('--table <name>', 'table to include, as table or schema.table (repeatable)', collect)
    .option('--name <name>', 'catalog name (default: the database name)')
    .option('--out <file>', 'write the YAML here (default: standard output)')
    .option('--force', 'overwrite --out if it exists')
    .action(async (options) => (await commands()).initCommand(options));
  catalog
    .command('drift')
    .description('What changed in the warehouse since the catalog was written (gone, retyped, new).')
    .argument('[path]', 'catalog file or folder (default: TALLY_CATALOG or the demo catalog)')
    .option('--url <url>', 'warehouse connection URL (default: ANALYTICS_DB_URL or the embedded warehouse)')
    .option('--json', 'as JSON')
    .action(async (path: string | undefined, options) => (await commands()).driftCommand(path, options));
  catalog
    .command('gaps')
    .description('What people could not get answered: refusals, clarifications, answers marked Not helpful.')
    .option('--since <period>', 'how far back: 7d, 24h, 2w or a date YYYY-MM-DD', '7d')
    .option('--json', 'as JSON')
    .action(async (options) => (await commands()).gapsCommand(options));
  catalog
    .command('export')
    .description('Write the catalog YAML with the chat edits (overlays) merged, for review in Git.')
    .argument('[path]', 'catalog file or folder (default: TALLY_CATALOG or the demo catalog)')
    .option('--out <file>', 'write the YAML here (default: standard output)')
    .action(async (path: string | undefined, options) => (await overlays()).exportCommand(path, options));
  const list = catalog
    .command('overlays')
    .description('The chat edits in effect: who taught what, when.')
    .option('--all', 'also those reverted or retired')
    .option('--json', 'as JSON')
    .action(async (options) => (await overlays()).overlaysCommand(options));
  list
    .command('revert')
    .description('Undo one chat edit, on every replica.')
    .argument('<id>', 'the edit’s number')
    .action(async (id: string) => (await overlays()).revertCommand(id));
}

/** `catalog lint --warehouse`: the same catalog checked against the live database. */
export async function lintWarehouse(path: string | undefined, options: { url?: string }): Promise<void> {
  await (await commands()).lintWarehouseCommand(path, options);
}
