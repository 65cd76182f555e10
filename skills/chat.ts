/**
 * A chat turn, whatever the door: help, or a question answered and presented. Returns the
 * channel-neutral Reply; Teams and Slack only render and deliver it.
 */
import type { Catalog } from '../semantic-catalog/schema.ts';
import { type Answer, emptyAnswer } from './answer.ts';
import { type AskDeps, ask, type Turn, writeAudit } from './ask.ts';
import { type PresentDeps, present } from './present.ts';
import { buildReply, type Reply } from './reply.ts';
import { isSubscriptionCommand, type SubscriptionDeps, subscriptionTurn } from './subscriptions.ts';
import { isAdmin, isTeachCommand, type TeachDeps, teachTurn } from './teach.ts';
import { verifiedLabel } from './verified-answer.ts';

const HELP = /^(help|\?|hi|hello|hey|what can you do\??|commands|start|how does this work\??)$/i;

export function isHelp(text: string): boolean {
  return HELP.test(text.trim());
}

export function helpReply(catalog: Catalog): Reply {
  const metrics = catalog.metrics.map((m) => m.label.toLowerCase());
  const examples = catalog.verified_questions.map((q) => q.question).slice(0, 5);
  const summary =
    `I answer questions about ${metrics.slice(0, -1).join(', ')} and ${metrics.at(-1)}, by ` +
    `${catalog.dimensions.map((d) => d.label.toLowerCase()).join(', ')} and time. Ask in plain words; ` +
    'follow up with “now by month”, “only EMEA”, “vs last year” or “show the SQL”. ' +
    'Digests and alerts: “list subscriptions”, “subscribe this channel to …”, “unsubscribe”.';
  const reply = buildReply(emptyAnswer('help', 'answer', summary));
  reply.actions = examples.map((question) => ({ type: 'ask', label: question, question }));
  return reply;
}

export async function chatTurn(
  deps: AskDeps & { present: PresentDeps; subscriptions?: SubscriptionDeps; teach?: TeachDeps['teach'] },
  turn: Turn,
): Promise<Reply> {
  if (isHelp(turn.text)) return helpReply(deps.catalog);
  if (deps.teach && isTeachCommand(turn.text)) return teachTurn({ ...deps, teach: deps.teach }, turn);
  if (deps.subscriptions && isSubscriptionCommand(turn.text)) {
    const reply = await subscriptionTurn(deps.subscriptions, turn);
    await writeAudit(deps, {
      channel: turn.channel,
      userId: turn.userId,
      conversationId: turn.conversationId,
      question: turn.text,
      status: reply.status,
      rule: 'subscriptions',
    });
    return reply;
  }
  if (!turn.text.trim())
    return buildReply(
      emptyAnswer('', 'clarify', 'Ask me a question, for example “revenue by region last quarter”.'),
    );
  const answer = await ask(deps, turn);
  const { reply } = await present(deps.present, answer);
  return deps.teach ? withVerification(reply, answer, isAdmin(deps.teach, turn)) : reply;
}

/** A verified answer says who verified it; an admin's answer offers to verify it. */
function withVerification(reply: Reply, answer: Answer, admin: boolean): Reply {
  if (answer.verified) reply.context.unshift(verifiedLabel(answer.verified));
  else if (admin && answer.status === 'answer' && answer.sql) {
    const after = reply.actions.findIndex((a) => a.type === 'feedback' && a.value === 'down');
    reply.actions.splice(after + 1, 0, {
      type: 'ask',
      label: 'Verify',
      question: `verify: ${answer.question}`,
    });
  }
  return reply;
}
