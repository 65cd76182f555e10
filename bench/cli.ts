/**
 * Whole-process CLI timings, each command paired with `node -e 0` in the same run (A B A B …), as
 * a user meets them: the built `bin/tally.js`, from process start to exit, on the bench's warehouse.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'tally.js');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function wall(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await run(process.execPath, args, { env, maxBuffer: 20 * 1024 * 1024 });
  return performance.now() - started;
}

/** Median wall time of each command next to `node -e 0`, with its target. */
export async function benchCli(env: NodeJS.ProcessEnv, rounds = 7): Promise<void> {
  const commands: { name: string; args: string[]; targetMs: number }[] = [
    { name: 'tally --help', args: [BIN, '--help'], targetMs: 500 },
    { name: 'tally catalog show', args: [BIN, 'catalog', 'show'], targetMs: 500 },
    { name: 'tally ask (embedded)', args: [BIN, 'ask', 'revenue by region last quarter'], targetMs: 1000 },
  ];
  for (const command of commands) {
    await wall(command.args, env); // warm-up: file cache, a first build if dist/ is stale
    const own: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < rounds; i++) {
      own.push(await wall(command.args, env));
      node.push(await wall(['-e', '0'], env));
    }
    const ms = median(own);
    console.log(
      `${command.name.padEnd(22)} median ${ms.toFixed(0).padStart(5)} ms   node -e 0 ${median(node).toFixed(0).padStart(4)} ms   target < ${command.targetMs} ms ${ms < command.targetMs ? 'met' : 'MISSED'}`,
    );
  }
}
