/**
 * The scheduler: pg-boss on the app database. A schedule is a cron with a time zone on a queue of
 * its own; pg-boss lets one replica at a time turn a due slot into a job (one per slot), and one
 * worker takes each job. Schedules and unfinished jobs live in the database, so a restart loses
 * none, and every replica works every Tally queue (it looks for new ones, such as a subscription
 * made in chat on another replica, every few seconds).
 */
import pg from 'pg';
import PgBoss from 'pg-boss';

export type JobData =
  | { kind: 'alert'; name: string }
  | { kind: 'digest'; name: string }
  | { kind: 'subscription'; id: string };

export interface JobSpec {
  queue: string;
  cron: string;
  timezone: string;
  data: JobData;
}

export interface SchedulerLog {
  info: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
}

const PREFIX = 'tally-';
const SCHEDULE_LOCK = 7477003;
/** Queues owned by the definitions on disk (replaced on sync); subscriptions are managed one by one. */
const DEFINITION_PREFIXES = [`${PREFIX}alert-`, `${PREFIX}digest-`];

export function queueFor(data: JobData): string {
  return data.kind === 'subscription' ? `${PREFIX}sub-${data.id}` : `${PREFIX}${data.kind}-${data.name}`;
}

export interface SchedulerOptions {
  connectionString: string;
  log: SchedulerLog;
  run: (data: JobData, job: { id: string; queue: string }) => Promise<unknown>;
  /** How often each replica looks for schedules made elsewhere. */
  refreshSeconds?: number;
}

export class Scheduler {
  private readonly boss: PgBoss;
  private readonly working = new Set<string>();
  private refreshTimer?: NodeJS.Timeout;

  constructor(private readonly options: SchedulerOptions) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      max: 4,
      // Due slots are noticed within ~10 s and turned into jobs within ~2 s; pg-boss still makes
      // one job per slot however many replicas look.
      cronMonitorIntervalSeconds: 10,
      cronWorkerIntervalSeconds: 2,
    });
    this.boss.on('error', (error) => options.log.error({ err: error.message }, 'scheduler error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    await this.refresh();
    this.refreshTimer = setInterval(
      () => {
        this.refresh().catch((error: Error) =>
          this.options.log.error({ err: error.message }, 'scheduler refresh failed'),
        );
      },
      (this.options.refreshSeconds ?? 10) * 1000,
    );
    this.refreshTimer.unref();
  }

  /** Jobs not yet started, per scheduled queue (for /metrics). */
  async queueDepths(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    for (const { queue } of await this.schedules()) depths[queue] = await this.boss.getQueueSize(queue);
    return depths;
  }

  async stop(): Promise<void> {
    clearInterval(this.refreshTimer);
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  /** Makes the definition schedules exactly these: new ones added, changed ones updated, gone ones removed. */
  async sync(specs: JobSpec[]): Promise<void> {
    await this.exclusively(async () => {
      for (const spec of specs) await this.scheduleNow(spec);
      const wanted = new Set(specs.map((s) => s.queue));
      for (const existing of await this.boss.getSchedules()) {
        if (DEFINITION_PREFIXES.some((p) => existing.name.startsWith(p)) && !wanted.has(existing.name))
          await this.boss.unschedule(existing.name);
      }
    });
  }

  async schedule(spec: JobSpec): Promise<void> {
    await this.exclusively(() => this.scheduleNow(spec));
  }

  private async scheduleNow(spec: JobSpec): Promise<void> {
    await this.boss.createQueue(spec.queue, {
      name: spec.queue,
      retryLimit: 3,
      retryDelay: 60,
      expireInSeconds: 900,
    });
    await this.boss.schedule(spec.queue, spec.cron, spec.data, { tz: spec.timezone });
    await this.work(spec.queue);
  }

  /**
   * One replica at a time changes schedules: pg-boss creates a queue's table outside its insert,
   * so two replicas starting together would otherwise collide creating the same queue.
   */
  private async exclusively(work: () => Promise<void>): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [SCHEDULE_LOCK]);
      await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEDULE_LOCK]).catch(() => undefined);
      await client.end();
    }
  }

  async unschedule(queue: string): Promise<void> {
    await this.boss.unschedule(queue);
  }

  async schedules(): Promise<{ queue: string; cron: string; timezone: string; data: JobData }[]> {
    return (await this.boss.getSchedules())
      .filter((s) => s.name.startsWith(PREFIX))
      .map((s) => ({
        queue: s.name,
        cron: s.cron,
        // The row's time zone column; the typings only know the options it was scheduled with.
        timezone: (s as { timezone?: string }).timezone ?? s.options?.tz ?? 'UTC',
        data: s.data as JobData,
      }));
  }

  /** Starts working the Tally queues this replica doesn't work yet. */
  async refresh(): Promise<void> {
    for (const schedule of await this.schedules()) await this.work(schedule.queue);
  }

  private async work(queue: string): Promise<void> {
    if (this.working.has(queue)) return;
    this.working.add(queue);
    await this.boss.work<JobData>(queue, { pollingIntervalSeconds: 2, batchSize: 1 }, async ([job]) => {
      if (!job) return;
      const started = Date.now();
      try {
        const result = await this.options.run(job.data, { id: job.id, queue });
        this.options.log.info({ queue, job: job.id, result, ms: Date.now() - started }, 'scheduled job done');
      } catch (error) {
        this.options.log.error({ queue, job: job.id, err: (error as Error).message }, 'scheduled job failed');
        throw error;
      }
    });
  }
}
