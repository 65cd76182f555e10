/**
 * Prometheus metrics for `tally start` (prom-client): what was asked through which door and how it
 * ended, where the time went, what the gate refused, how the executor stopped, what was posted,
 * how deep the scheduler's queues are — and the process's own default metrics. The registry is
 * the server's own (never prom-client's global one), so two servers in one process don't mix.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Answer } from '../skills/answer.ts';
import type { Turn } from '../skills/ask.ts';

export type Stage = 'understand' | 'gate' | 'database' | 'chart' | 'delivery';

/** Executor codes that mean a query was stopped rather than answered (timeouts and cancellations). */
const EXECUTOR_STOPS = new Set(['query_timeout', 'result_too_large', 'resource_limit', 'connection_failed']);

export interface Metrics {
  registry: Registry;
  /** Answers being worked on now: graceful shutdown waits for them. */
  inFlight(): number;
  /** Called as a question starts; the function it returns is called with the answer (or nothing, on a crash). */
  question(turn: Turn): (answer?: Answer) => void;
  stage(stage: Stage, ms: number): void;
  delivery(kind: string, outcome: string): void;
  /** One call to the optional language model: how it ended, how long it took, the tokens it used. */
  modelCall(outcome: 'ok' | 'error', ms: number, usage?: { prompt: number; completion: number }): void;
}

export function createMetrics(
  options: { queueDepths?: () => Promise<Record<string, number>> } = {},
): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const questions = new Counter({
    name: 'tally_questions_total',
    help: 'Questions answered, by door (channel) and status (answer, clarify, refuse, error).',
    labelNames: ['door', 'status'],
    registers,
  });
  const stages = new Histogram({
    name: 'tally_stage_seconds',
    help: 'Time spent per stage: understand, gate, database, chart, delivery.',
    labelNames: ['stage'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const refusals = new Counter({
    name: 'tally_gate_refusals_total',
    help: 'Questions refused, by the rule that refused them.',
    labelNames: ['rule'],
    registers,
  });
  const executorStops = new Counter({
    name: 'tally_executor_stops_total',
    help: 'Queries the executor stopped: query_timeout, result_too_large (cancelled while reading), resource_limit, connection_failed.',
    labelNames: ['code'],
    registers,
  });
  const deliveries = new Counter({
    name: 'tally_deliveries_total',
    help: 'Scheduled posts (alert, digest, subscription runs) by kind and outcome.',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const modelCalls = new Histogram({
    name: 'tally_model_call_seconds',
    help: 'Calls to the optional language model by outcome (ok, error), and how long each took.',
    labelNames: ['outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  const modelTokens = new Counter({
    name: 'tally_model_tokens_total',
    help: 'Tokens the optional language model used, as its API reports them: prompt, completion.',
    labelNames: ['kind'],
    registers,
  });
  const modelReadings = new Counter({
    name: 'tally_model_readings_total',
    help: 'Questions that went to the language model, by outcome (read, declined, invalid, sql_refused, unavailable, over_budget).',
    labelNames: ['outcome'],
    registers,
  });
  let working = 0;
  new Gauge({
    name: 'tally_answers_in_flight',
    help: 'Questions being answered now.',
    registers,
    collect() {
      this.set(working);
    },
  });
  const queueDepths = options.queueDepths;
  new Gauge({
    name: 'tally_queue_depth',
    help: 'Jobs waiting in each pg-boss queue (scheduled alerts and digests).',
    labelNames: ['queue'],
    registers,
    async collect() {
      if (!queueDepths) return;
      this.reset();
      for (const [queue, depth] of Object.entries(await queueDepths())) this.set({ queue }, depth);
    },
  });
  const stage = (name: Stage, ms: number) => stages.observe({ stage: name }, ms / 1000);
  return {
    registry,
    inFlight: () => working,
    question(turn) {
      working++;
      return (answer) => {
        working--;
        if (!answer) return void questions.inc({ door: turn.channel, status: 'error' });
        questions.inc({ door: turn.channel, status: answer.status });
        const { understandMs, gateMs, databaseMs } = answer.timings;
        if (understandMs) stage('understand', understandMs);
        if (gateMs) stage('gate', gateMs);
        if (databaseMs) stage('database', databaseMs);
        if (answer.status === 'refuse' && answer.rule) refusals.inc({ rule: answer.rule });
        if (answer.rule && EXECUTOR_STOPS.has(answer.rule)) executorStops.inc({ code: answer.rule });
        if (answer.model) modelReadings.inc({ outcome: answer.model.outcome });
      };
    },
    stage,
    delivery: (kind, outcome) => deliveries.inc({ kind, outcome }),
    modelCall: (outcome, ms, usage) => {
      modelCalls.observe({ outcome }, ms / 1000);
      if (usage) {
        modelTokens.inc({ kind: 'prompt' }, usage.prompt);
        modelTokens.inc({ kind: 'completion' }, usage.completion);
      }
    },
  };
}
