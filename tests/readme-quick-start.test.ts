/**
 * Issue 18: the README's quick start shows what a newcomer sees. Its printed lines are checked
 * against what `tally start` (with the Agents Playground) and `tally ask` really print, so the
 * README can't drift from the program. The ports and the numbers differ from a newcomer's (free
 * ports here, the test warehouse's data), so those are the only parts read as patterns.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../warehouse/free-port.ts';
import { runTally, spawnTally } from './helpers.ts';
import { until } from './wait.ts';

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('Requirements: Node'));
// The printed output is in the plain fences; the commands to type are in ```sh ones.
const blocks = [...quickStart.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)]
  .filter((m) => m[1] === '')
  .map((m) => m[2] as string);
const [started, asked] = blocks;

let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('the README quick start', () => {
  it('shows the lines tally start prints, the Playground address among them', async () => {
    const [port, playgroundPort] = [await freePort(), await freePort()];
    child = spawnTally(
      ['start'],
      {
        PORT: String(port),
        TALLY_PLAYGROUND: '1',
        TALLY_PLAYGROUND_PORT: String(playgroundPort),
        LOG_LEVEL: 'info',
      },
      ['ignore', 'pipe', 'pipe'],
    );
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      out += chunk;
    });
    await until(
      () => out.includes('Ask from another terminal'),
      90_000,
      () => `tally start never said it was ready:\n${out}`,
      200,
    );
    const ready = (started ?? '').split('\n').filter((line) => /^ {2}\S/.test(line) && !line.includes('%'));
    expect(ready).toHaveLength(3);
    for (const line of ready)
      expect(out).toContain(line.replace(':3978', `:${port}`).replace(':56150', `:${playgroundPort}`));
    // The log lines shown (the seeding one only on a first start, which this run's warehouse is not).
    const messages = [...(started ?? '').matchAll(/"msg":"([^"]+)"/g)].map((m) => m[1] as string);
    expect(messages.length).toBeGreaterThanOrEqual(4);
    for (const msg of messages.filter((m) => !m.startsWith('Seeding')))
      expect(out).toContain(msg.replace(':3978', `:${port}`));
  });

  it('shows what tally ask prints, its numbers and dates aside', async () => {
    const lines = (asked ?? '').split('\n');
    const command = /^\$ npm run tally -- (ask) "([^"]+)"$/.exec(lines[0] ?? '');
    expect(command).not.toBeNull();
    const { stdout } = await runTally([command?.[1] as string, command?.[2] as string]);
    // Quarters, date ranges and numbers are the day's; the words, the layout and the order are the README's.
    const variable = /Q\d \d{4}|\d{1,2} [A-Z][a-z]{2} – \d{1,2} [A-Z][a-z]{2} \d{4}|\d+(?:\.\d+)?| +/g;
    const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = (line: string) => {
      let source = '';
      let at = 0;
      for (const m of line.matchAll(variable)) {
        source += literal(line.slice(at, m.index));
        const token = m[0];
        source += token.startsWith(' ')
          ? ' +'
          : token.startsWith('Q')
            ? 'Q\\d \\d{4}'
            : token.includes('–')
              ? '\\d{1,2} \\w{3} – \\d{1,2} \\w{3} \\d{4}'
              : '[\\d.]+';
        at = (m.index ?? 0) + token.length;
      }
      return new RegExp(`^${source}${literal(line.slice(at))}$`, 'm');
    };
    for (const line of lines.slice(1).filter((l) => l && !l.includes('…')))
      expect(stdout, line).toMatch(pattern(line));
  });

  it('says what npm test runs', () => {
    const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.test).toBe('tsc --noEmit && biome check . && vitest run');
    expect(quickStart).toContain('runs `tsc --noEmit`, `biome check .` and every vitest test');
  });
});
