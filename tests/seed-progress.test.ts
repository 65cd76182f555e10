/**
 * Issue 18: the seeding "progress bar" was ten separate lines interleaved with the logs. In a
 * terminal it is now one bar redrawn in place; piped or in CI it stays one plain line per 10%.
 * The events are the ones seedDemo sends, from a real (small) seeding run.
 */
import pg from 'pg';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type ProgressStream, type SeedStep, seedProgress } from '../bot/seed-progress.ts';
import { demoSeedInfo, seedDemo, staleEnd } from '../warehouse/demo/seed.ts';
import { ensureDatabase } from '../warehouse/embedded.ts';

const events: SeedStep[] = [];
let info: string | undefined;
const ESC = String.fromCharCode(27);
const TO_COLUMN_1 = `${ESC}[1G`;
const controls = (text: string) => text.includes(ESC) || text.includes('\r');

beforeAll(async () => {
  // A database of its own: the shared warehouse stays as the other test files expect it.
  const admin = new URL(inject('adminUrl'));
  await ensureDatabase(admin.href, 'seed_progress');
  admin.pathname = '/seed_progress';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    await seedDemo(client, { seed: 1, scale: 0.02, end: '2024-12-31', onProgress: (e) => events.push(e) });
    info = await demoSeedInfo(client);
  } finally {
    await client.end();
  }
});

function capture(isTTY: boolean): ProgressStream & { text: () => string } {
  let out = '';
  return {
    isTTY,
    columns: 100,
    write(chunk: string) {
      out += chunk;
      return true;
    },
    text: () => out,
  };
}

describe('seeding progress', () => {
  it('seedDemo reports done = total exactly once, at the very end', () => {
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.map((e) => e.done)).toEqual(events.map((e) => e.done).sort((a, b) => a - b));
    const finished = events.filter((e) => e.done >= e.total);
    expect(finished).toEqual([events.at(-1)]);
    expect(events.at(-1)?.step).toBe('ready');
  });

  it('piped: one plain line per 10%, no control characters', () => {
    const stream = capture(false);
    const report = seedProgress(stream, {});
    for (const e of events) report(e);
    const lines = stream.text().split('\n').filter(Boolean);
    expect(controls(stream.text())).toBe(false);
    expect(lines.length).toBeLessThanOrEqual(11);
    for (const line of lines) expect(line).toMatch(/^ {2}\d{1,3}% [a-z, ]+$/);
    expect(lines.at(-1)).toBe('  100% ready');
  });

  it('in CI, even on a pseudo-terminal: the same plain lines', () => {
    const stream = capture(true);
    const report = seedProgress(stream, { CI: 'true' });
    for (const e of events) report(e);
    expect(controls(stream.text())).toBe(false);
    expect(stream.text().trimEnd().split('\n').at(-1)).toBe('  100% ready');
  });

  it('in a terminal: one bar redrawn in place, ended by a single newline', async () => {
    const stream = capture(true);
    const report = seedProgress(stream, {});
    const [first, ...rest] = events as [SeedStep, ...SeedStep[]];
    report(first);
    // cli-progress loads on first use; its first frame shows the step reported so far.
    await vi.waitFor(() => expect(stream.text()).toContain(first.step));
    for (const e of rest) report(e);
    await vi.waitFor(() => expect(stream.text()).toMatch(/\n$/));
    const out = stream.text();
    expect(out.match(/\n/g)).toHaveLength(1);
    // Each frame starts by moving the cursor back to column 1 and ends by clearing the rest of the line.
    expect(out.split(TO_COLUMN_1).length).toBeGreaterThanOrEqual(3);
    const frames = out.split(TO_COLUMN_1).filter((f) => f.includes('%'));
    expect(frames.at(-1)).toMatch(/100% \| ready/);
    expect(out).not.toMatch(/^ {2}\d+% /m);
  });
});

describe('a demo warehouse seeded long ago', () => {
  it('is told by the last day its seed recorded, once that is over a week old', () => {
    expect(info).toBeDefined();
    expect(staleEnd(info as string, '2025-03-01')).toBe('2024-12-31');
    expect(staleEnd(info as string, '2025-01-05')).toBeUndefined();
    expect(staleEnd('not what the seed writes', '2025-03-01')).toBeUndefined();
  });
});
