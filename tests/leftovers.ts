/**
 * The end-of-run check (issue 14): a `tally` process a test leaves behind would outlive `npm test`
 * (killing a wrapper does not reach the node process under it), so the run fails, naming it.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Live `tally` processes of a run: their environment names its TALLY_HOME (other runs on the machine have their own). */
export function tallyProcessesOf(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/bin\/tally\.js|bot\/cli\.ts/.test(cmdline)) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`TALLY_HOME=${home}`))
        pids.push(pid);
    } catch {
      // Gone meanwhile, or another user's process.
    }
  }
  return pids;
}

/** Kills whatever the run left and throws naming it, so the run fails and nothing outlives it. */
export function failOnLeftovers(home: string): void {
  const left = tallyProcessesOf(home);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  if (left.length > 0)
    throw new Error(
      `tests left ${left.length} tally process(es) running (pids ${left.join(', ')}); killed now`,
    );
}
