/**
 * Teaching Tally in chat (issue 12), admins only: "teach: bookings means revenue" (a synonym of a
 * metric, field or value), "teach: successful means status = completed" (a named filter),
 * "verify" (the last answer's question and query become a verified question), "forget …", and
 * "what couldn't people ask this week?". Anyone else is refused, and every attempt is audited.
 *   text → command → admin? → the change in catalog terms → lint + gate → overlay → reply.
 */
import type { AppDb } from '../app-db/app-db.ts';
import type { OverlayRecord } from '../app-db/overlays.ts';
import { formatGaps, groupGaps, loadGapRows, sinceExpression } from '../catalog-admin/gaps.ts';
import type { OverlayChange } from '../catalog-admin/overlays.ts';
import { metricTable, reachableSource } from '../semantic-catalog/catalog.ts';
import { compile } from '../semantic-catalog/compile.ts';
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import { checkSql } from '../warehouse/gate.ts';
import { emptyAnswer } from './answer.ts';
import { type ConversationState, type Turn, writeAudit } from './ask.ts';
import { buildReply, type Reply } from './reply.ts';
import { describeTarget, readFilter, readTarget } from './teach-words.ts';

/** What teaching needs from the replica's live catalog (bot/catalog-live.ts). */
export interface CatalogEditor {
  teach(
    change: OverlayChange,
    who: { userId?: string; userName?: string; channel?: string },
    check?: (catalog: Catalog) => string | undefined,
  ): Promise<{ ok: true; record: OverlayRecord } | { ok: false; reason: string }>;
  revert(ids: string[], who: { userId?: string; userName?: string }): Promise<OverlayRecord[]>;
  store: { active(): Promise<OverlayRecord[]> };
}

export interface TeachDeps {
  catalog: Catalog;
  lexicon: Lexicon;
  appDb: AppDb;
  today: () => IsoDate;
  maxRows: number;
  log: { warn: (obj: object, msg?: string) => void; error: (obj: object, msg?: string) => void };
  teach: { live?: CatalogEditor; admins: string[]; adminChannels: string[] };
}

const TEACH = /^teach:?\s+(.+?)\s+means\s+(.+?)\.?$/i;
const FORGET = /^forget:?\s+(.+?)\.?$/i;
const VERIFY = /^verify(?::?\s+(.+))?$/i;
const GAPS =
  /^(?:what|which questions)\s+(?:couldn[’']?t|could not|didn[’']?t|did not)\s+people\s+(?:ask|get answered)(?:\s+(this week|today|this month))?\s*\??$/i;

export function isTeachCommand(text: string): boolean {
  const t = text.trim();
  return [TEACH, FORGET, VERIFY, GAPS].some((pattern) => pattern.test(t));
}

export const messages = {
  notAdmin: () =>
    'Only Tally’s admins can change what it knows or see what people couldn’t ask. Ask one of them to do it; I’ve noted the attempt.',
  refused: (reason: string) => `I can’t learn that: ${reason}`,
  learned: (what: string, id: string) =>
    `Learned: ${what}. It is in effect everywhere now (change #${id}; undo with “forget …” or \`tally catalog overlays revert ${id}\`).`,
  nothingToVerify: () => 'Ask a question first; then “verify” makes its answer the verified one.',
  forgotten: (word: string, ids: string[]) => `Forgotten: “${word}” (change #${ids.join(', #')}).`,
};

/** Named in TALLY_ADMINS, or speaking in a conversation named in TALLY_ADMIN_CHANNELS. */
export function isAdmin(teach: TeachDeps['teach'], turn: Turn): boolean {
  const place = turn.place && ('channelId' in turn.place ? turn.place.channelId : turn.place.conversationId);
  return (
    (!!turn.userId && teach.admins.includes(turn.userId)) || (!!place && teach.adminChannels.includes(place))
  );
}

function plain(question: string, status: 'answer' | 'refuse' | 'clarify', text: string): Reply {
  const reply = buildReply(emptyAnswer(question, status, text));
  reply.actions = [];
  return reply;
}

export async function teachTurn(deps: TeachDeps, turn: Turn): Promise<Reply> {
  const text = turn.text.trim();
  const admin = isAdmin(deps.teach, turn);
  const reply = !admin
    ? plain(text, 'refuse', messages.notAdmin())
    : !deps.teach.live
      ? plain(text, 'refuse', messages.refused('this replica has no app database for catalog changes'))
      : await adminTurn(deps, deps.teach.live, turn, text);
  await writeAudit(deps, {
    channel: turn.channel,
    userId: turn.userId,
    conversationId: turn.conversationId,
    question: text,
    status: reply.status,
    rule: admin ? 'teach' : 'not_admin',
    reason: reply.status === 'answer' ? undefined : reply.summary,
  });
  return reply;
}

async function adminTurn(deps: TeachDeps, live: CatalogEditor, turn: Turn, text: string): Promise<Reply> {
  const who = { userId: turn.userId, userName: turn.userName ?? turn.userId, channel: turn.channel };
  const gaps = GAPS.exec(text);
  if (gaps) {
    const since =
      { 'this week': '7d', today: '24h', 'this month': '30d' }[gaps[1]?.toLowerCase() ?? 'this week'] ?? '7d';
    const rows = await loadGapRows(deps.appDb.pool, sinceExpression(since) as { sql: string; param: string });
    return plain(text, 'answer', formatGaps(groupGaps(rows), since).trim());
  }
  const taught = TEACH.exec(text);
  if (taught) return teachWord(deps, live, who, text, taught[1] as string, taught[2] as string);
  const forget = FORGET.exec(text);
  if (forget) return forgetWord(live, who, text, forget[1] as string);
  const verify = VERIFY.exec(text) as RegExpExecArray;
  return verifyQuestion(deps, live, who, turn, text, verify[1]);
}

async function teachWord(
  deps: TeachDeps,
  live: CatalogEditor,
  who: { userId?: string; userName?: string; channel?: string },
  text: string,
  word: string,
  meaning: string,
): Promise<Reply> {
  const filter = readFilter(deps.catalog, deps.lexicon, word, meaning);
  if (filter && 'problem' in filter) return plain(text, 'refuse', messages.refused(filter.problem));
  if (filter) {
    const { dimension, value } = filter;
    const result = await live.teach({ kind: 'filter', filter: filter.filter }, who, (catalog) =>
      gateProblem(deps, catalog, { dimension: dimension(catalog), value }),
    );
    if (!result.ok) return plain(text, 'refuse', messages.refused(result.reason));
    return plain(text, 'answer', messages.learned(`“${word}” means ${meaning}`, result.record.id));
  }
  const target = readTarget(deps.catalog, deps.lexicon, word, meaning);
  if ('problem' in target) return plain(text, 'refuse', messages.refused(target.problem));
  const result = await live.teach({ kind: 'synonym', word: word.trim(), target: target }, who);
  if (!result.ok) return plain(text, 'refuse', messages.refused(result.reason));
  return plain(
    text,
    'answer',
    messages.learned(`“${word.trim()}” means ${describeTarget(deps.catalog, target)}`, result.record.id),
  );
}

/** A filter must compile to a WHERE clause the gate accepts, on some metric that reaches its field. */
function gateProblem(
  deps: TeachDeps,
  catalog: Catalog,
  filter: { dimension: string | undefined; value: string },
): string | undefined {
  const dimension = catalog.dimensions.find((d) => d.name === filter.dimension);
  if (!dimension) return 'the field it filters on is not in the catalog';
  const metric = catalog.metrics.find((m) => {
    const table = metricTable(catalog, m);
    return table && reachableSource(catalog, dimension, table.name);
  });
  if (!metric) return `no metric can be filtered by ${dimension.label}`;
  const query: SemanticQuery = {
    metrics: [metric.name],
    dimensions: [],
    filters: [{ dimension: dimension.name, values: [filter.value] }],
  };
  return queryProblem(deps, catalog, query);
}

function queryProblem(deps: TeachDeps, catalog: Catalog, query: SemanticQuery): string | undefined {
  try {
    const verdict = checkSql(compile(query, catalog, deps.today()).sql, catalog, { maxRows: deps.maxRows });
    return verdict.ok ? undefined : `the SQL gate refuses it (${verdict.reason})`;
  } catch (error) {
    return `it does not compile (${(error as Error).message})`;
  }
}

async function forgetWord(
  live: CatalogEditor,
  who: { userId?: string; userName?: string; channel?: string },
  text: string,
  word: string,
): Promise<Reply> {
  const same = (a: string) => a.trim().toLowerCase() === word.trim().toLowerCase();
  const taught = (await live.store.active()).filter(({ change: c }) =>
    c.kind === 'synonym' || c.kind === 'forget'
      ? same(c.word)
      : c.kind === 'filter'
        ? same(c.filter.name) || c.filter.synonyms.some(same)
        : same(c.question),
  );
  if (taught.length > 0) {
    const ended = await live.revert(
      taught.map((o) => o.id),
      who,
    );
    return plain(
      text,
      'answer',
      messages.forgotten(
        word,
        ended.map((o) => o.id),
      ),
    );
  }
  const result = await live.teach({ kind: 'forget', word: word.trim() }, who);
  if (!result.ok)
    return plain(
      text,
      'refuse',
      messages.refused(`I know no synonym, named filter or verified question “${word}”`),
    );
  return plain(text, 'answer', messages.forgotten(word, [result.record.id]));
}

async function verifyQuestion(
  deps: TeachDeps,
  live: CatalogEditor,
  who: { userId?: string; userName?: string; channel?: string },
  turn: Turn,
  text: string,
  asked: string | undefined,
): Promise<Reply> {
  const state: ConversationState = turn.conversationId
    ? ((await deps.appDb.loadConversation<ConversationState>(turn.conversationId).catch(() => undefined)) ??
      {})
    : {};
  const question = (asked ?? state.lastQuestion)?.trim();
  if (!question) return plain(text, 'clarify', messages.nothingToVerify());
  let query =
    state.lastQuestion?.trim().toLowerCase() === question.toLowerCase() ? state.lastQuery : undefined;
  if (!query) {
    const reading = understand(question, deps.catalog, deps.lexicon, deps.today());
    if (reading.kind !== 'query')
      return plain(text, 'refuse', messages.refused(`I can’t answer “${question}” yet`));
    query = reading.query;
  }
  const stored = query;
  const result = await live.teach(
    {
      kind: 'verified',
      question,
      query: stored as unknown as Record<string, unknown>,
      verified_by: who.userName ?? 'an admin',
      verified_on: deps.today(),
    },
    who,
    (catalog) => queryProblem(deps, catalog, stored),
  );
  if (!result.ok) return plain(text, 'refuse', messages.refused(result.reason));
  return plain(
    text,
    'answer',
    messages.learned(`“${question}” is verified, answered this way from now on`, result.record.id),
  );
}
