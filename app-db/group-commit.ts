/**
 * Group commit: while one statement of a kind is in flight, the calls that arrive meanwhile wait
 * and go together in the next one. Under load 200 answers cost a handful of statements instead of
 * 200 (each round trip to the server costs more CPU than the row it writes); a call that finds
 * nothing in flight goes at once, so a quiet bot waits for nothing. Every caller still waits for its
 * own row to be written and gets its own outcome: a batch that fails is tried again one item at a
 * time, so one bad row never fails, or hides, another's.
 */

const MAX_BATCH = 200;

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/** `run` gets the items in arrival order and returns one result per item, in the same order. */
export function groupCommit<T, R>(run: (items: T[]) => Promise<R[]>): (item: T) => Promise<R> {
  const queue: Waiting<T, R>[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const results = await run(batch.map((w) => w.item));
        for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else
          await Promise.all(
            batch.map((w) => run([w.item]).then((results) => w.resolve(results[0] as R), w.reject)),
          );
      }
    }
    flushing = false;
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!flushing) void flush();
    });
}
