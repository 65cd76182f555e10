/**
 * The demo seeding's progress, for the person waiting on it.
 *   a terminal  → one bar that redraws in place (cli-progress), ended by one newline
 *   piped or CI → a plain line every 10%, so CI logs and `2>file` stay readable line by line
 * cli-progress loads only when a bar is drawn: pipes, CI, tests and the server never load it.
 */

export interface SeedStep {
  step: string;
  done: number;
  total: number;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

/** The few calls made on cli-progress's SingleBar. */
interface Bar {
  start(total: number, value: number, payload: object): void;
  update(value: number, payload: object): void;
  setTotal(total: number): void;
  stop(): void;
}
type BarModule = {
  SingleBar: new (options: object, preset: object) => Bar;
  Presets: Record<'shades_classic', object>;
};

/** The package name as a value: tsc and the build then need no copy of it where no bar is drawn. */
const CLI_PROGRESS = 'cli-progress';

export function seedProgress(
  stream: ProgressStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): (progress: SeedStep) => void {
  // CI runners often give a pseudo-terminal whose output is kept as a log: redraws would garble it.
  if (!stream.isTTY || env.CI) return plainLines(stream);
  return terminalBar(stream);
}

function plainLines(stream: ProgressStream): (progress: SeedStep) => void {
  let lastDecile = -1;
  return ({ step, done, total }) => {
    const pct = percent(done, total);
    if (Math.floor(pct / 10) === lastDecile) return;
    lastDecile = Math.floor(pct / 10);
    stream.write(`  ${pct}% ${step}\n`);
  };
}

function terminalBar(stream: ProgressStream): (progress: SeedStep) => void {
  let bar: Bar | undefined;
  let fallback: ((progress: SeedStep) => void) | undefined;
  let latest: SeedStep | undefined;
  let stopped = false;
  const draw = (progress: SeedStep) => {
    if (!bar || stopped) return;
    bar.setTotal(progress.total);
    bar.update(progress.done, { step: progress.step });
    // Seeding reports done = total once, when it has finished: the bar ends there with its newline.
    if (progress.done >= progress.total) {
      bar.stop();
      stopped = true;
    }
  };
  import(CLI_PROGRESS).then(
    ({ default: progress }: { default: BarModule }) => {
      bar = new progress.SingleBar(
        {
          stream,
          format: '  {bar} {percentage}% | {step}',
          barsize: 30,
          hideCursor: false,
          gracefulExit: false,
        },
        progress.Presets.shades_classic,
      );
      bar.start(latest?.total ?? 1, latest?.done ?? 0, { step: latest?.step ?? 'starting' });
      if (latest) draw(latest);
    },
    (error: Error) => {
      // Without the package (an install that predates it) the plain lines still say how far it is.
      stream.write(`  (no progress bar: ${error.message.split('\n')[0]}; run npm install)\n`);
      fallback = plainLines(stream);
      if (latest) fallback(latest);
    },
  );
  return (progress) => {
    latest = progress;
    if (fallback) fallback(progress);
    else draw(progress);
  };
}

function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 100;
}
