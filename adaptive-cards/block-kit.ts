/**
 * Reply → Slack Block Kit, within Slack's limits: 50 blocks, 3,000 characters per text, 75 per
 * button label, 2,000 per button value. Buttons carry action ids the Slack handler routes
 * (show_sql, feedback_up/down, ask_<n>, choose_<n>).
 */
import type { Reply, ReplyAction } from '../skills/reply.ts';

export const SLACK_LIMITS = {
  blocks: 50,
  text: 3000,
  buttonText: 75,
  buttonValue: 2000,
  fields: 10,
  contextElements: 10,
};

type Block = Record<string, unknown>;

const clip = (value: string, max: number) => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);
const mrkdwn = (value: string) => ({ type: 'mrkdwn', text: clip(value, SLACK_LIMITS.text) });
const plain = (value: string, max = SLACK_LIMITS.buttonText) => ({
  type: 'plain_text',
  text: clip(value, max),
  emoji: true,
});
/** Slack's mrkdwn treats &, < and > as markup. */
const escapeMrkdwn = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function renderBlockKit(reply: Reply, options: { includeImage?: boolean } = {}): Block[] {
  const blocks: Block[] = [{ type: 'section', text: mrkdwn(escapeMrkdwn(reply.summary)) }];
  if (reply.kpis.length > 0) {
    blocks.push({
      type: 'section',
      fields: reply.kpis
        .slice(0, SLACK_LIMITS.fields)
        .map((kpi) =>
          mrkdwn(
            `*${escapeMrkdwn(kpi.label)}*\n${escapeMrkdwn(kpi.value)}${kpi.delta ? `\n${kpi.direction === 'down' ? '↓' : kpi.direction === 'up' ? '↑' : '→'} ${escapeMrkdwn(kpi.delta)}` : ''}`,
          ),
        ),
    });
  }
  if (reply.chart && options.includeImage !== false) {
    blocks.push({
      type: 'image',
      image_url: reply.chart.url,
      alt_text: clip(reply.chart.alt, 2000),
      title: plain(reply.chart.title, 2000),
    });
  }
  if (reply.table && reply.table.rows.length > 0)
    blocks.push({ type: 'section', text: mrkdwn(tableText(reply.table)) });
  if (reply.context.length > 0) {
    blocks.push({
      type: 'context',
      elements: reply.context
        .slice(0, SLACK_LIMITS.contextElements)
        .map((line) => mrkdwn(escapeMrkdwn(line))),
    });
  }
  if (reply.choices.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'choices',
      elements: reply.choices.slice(0, 5).map((choice, i) => ({
        type: 'button',
        action_id: `choose_${i}`,
        text: plain(choice.label),
        value: clip(choice.question, SLACK_LIMITS.buttonValue),
      })),
    });
  }
  const buttons = reply.actions.slice(0, 8).map((action, i) => button(action, i, reply.question));
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'actions', elements: buttons });
  return blocks.slice(0, SLACK_LIMITS.blocks);
}

/** One action as a button; the action id tells the Slack handler what to do. */
function button(action: ReplyAction, i: number, question: string): Block {
  switch (action.type) {
    case 'show_sql':
      return {
        type: 'button',
        action_id: 'show_sql',
        text: plain(action.label),
        value: clip(question, SLACK_LIMITS.buttonValue),
      };
    case 'download':
      return { type: 'button', action_id: 'download_csv', text: plain(action.label), url: action.url };
    case 'feedback':
      return {
        type: 'button',
        action_id: `feedback_${action.value}`,
        text: plain(action.label),
        value: clip(question, SLACK_LIMITS.buttonValue),
      };
    case 'ask':
      return {
        type: 'button',
        action_id: `ask_${i}`,
        text: plain(action.label),
        value: clip(action.question, SLACK_LIMITS.buttonValue),
      };
    case 'alert':
      return {
        type: 'button',
        action_id: `alert_${action.verb}`,
        text: plain(action.label),
        value: JSON.stringify({ alert: action.alert, day: action.day }),
        ...(action.verb === 'acknowledge' ? { style: 'primary' } : {}),
      };
  }
}

/** The top rows as a monospaced table that fits one section. */
function tableText(table: NonNullable<Reply['table']>): string {
  const widths = table.columns.map((c, i) =>
    Math.min(28, Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length))),
  );
  const line = (cells: string[]) =>
    cells.map((cell, i) => clip(cell, widths[i] ?? 28).padEnd(widths[i] ?? 0)).join('  ');
  const more =
    table.totalRows > table.rows.length ? `\n(${table.rows.length} of ${table.totalRows} rows)` : '';
  let rows = table.rows;
  for (;;) {
    const body = ['```', line(table.columns), ...rows.map(line), '```'].join('\n');
    if (body.length + more.length <= SLACK_LIMITS.text || rows.length <= 1)
      return clip(body, SLACK_LIMITS.text - more.length) + more;
    rows = rows.slice(0, -1);
  }
}
