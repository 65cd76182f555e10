// After `npm install`: fail loudly now if the embedded PostgreSQL can't run, not at first use.
import { checkEmbeddedBinaries } from '../warehouse/embedded.ts';

try {
  checkEmbeddedBinaries();
} catch (error) {
  console.error(`tally: ${(error as Error).message}`);
  process.exit(1);
}
