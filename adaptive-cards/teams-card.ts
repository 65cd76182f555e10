/**
 * Reply → Adaptive Card 1.5 (what Teams renders). Under Teams' 28 KB message limit: the table
 * shrinks first, then the SQL; the sentence is never cut. Buttons are Action.Submit with a `verb`
 * the Teams handler routes (ask, choose, feedback); "Show SQL" toggles a hidden container.
 */
import type { Reply, ReplyAction } from '../skills/reply.ts';

export const TEAMS_CARD_LIMIT = 28 * 1024;
/** Room left for the activity envelope around the card. */
const CARD_BUDGET = TEAMS_CARD_LIMIT - 2 * 1024;
const MAX_ACTIONS = 6;

type Element = Record<string, unknown>;

export function renderAdaptiveCard(reply: Reply): Element {
  let rows = reply.table?.rows.length ?? 0;
  let sql = reply.sql;
  for (;;) {
    const card = buildCard(reply, rows, sql);
    if (Buffer.byteLength(JSON.stringify(card)) <= CARD_BUDGET) return card;
    if (rows > 0) rows = Math.max(0, rows - Math.max(1, Math.floor(rows / 4)));
    else if (sql && sql.length > 200) sql = `${sql.slice(0, Math.floor(sql.length / 2))}\n…`;
    else return card;
  }
}

function text(value: string, extra: Element = {}): Element {
  return { type: 'TextBlock', text: value, wrap: true, ...extra };
}

function buildCard(reply: Reply, tableRows: number, sql: string | undefined): Element {
  const body: Element[] = [
    text(reply.summary, { size: 'Medium', weight: reply.status === 'answer' ? 'Default' : 'Bolder' }),
  ];
  if (reply.kpis.length > 0) {
    body.push({
      type: 'ColumnSet',
      columns: reply.kpis.slice(0, 4).map((kpi) => ({
        type: 'Column',
        width: 'stretch',
        items: [
          text(kpi.label, { isSubtle: true, spacing: 'None' }),
          text(kpi.value, { size: 'ExtraLarge', weight: 'Bolder', spacing: 'None' }),
          ...(kpi.delta
            ? [
                text(`${kpi.direction === 'up' ? '▲' : kpi.direction === 'down' ? '▼' : '■'} ${kpi.delta}`, {
                  color: kpi.good === undefined ? 'Default' : kpi.good ? 'Good' : 'Attention',
                  spacing: 'None',
                }),
              ]
            : []),
        ],
      })),
    });
  }
  if (reply.chart) body.push(...chartElements(reply.chart));
  if (reply.table && tableRows > 0) {
    const header = {
      type: 'TableRow',
      style: 'accent',
      cells: reply.table.columns.map((c) => ({ type: 'TableCell', items: [text(c, { weight: 'Bolder' })] })),
    };
    const rows = reply.table.rows.slice(0, tableRows).map((row) => ({
      type: 'TableRow',
      cells: row.map((cell) => ({ type: 'TableCell', items: [text(cell)] })),
    }));
    body.push({
      type: 'Table',
      firstRowAsHeader: true,
      showGridLines: false,
      columns: reply.table.columns.map((_, i) => ({ width: i === 0 ? 2 : 1 })),
      rows: [header, ...rows],
    });
    if (reply.table.totalRows > tableRows) {
      body.push(
        text(
          `Showing ${tableRows} of ${reply.table.totalRows} rows${reply.actions.some((a) => a.type === 'download') ? ' — download the CSV for all' : ''}.`,
          { isSubtle: true, size: 'Small' },
        ),
      );
    }
  }
  if (reply.context.length > 0)
    body.push(text(reply.context.join('  \n'), { isSubtle: true, size: 'Small', spacing: 'Medium' }));
  if (sql)
    body.push({
      type: 'Container',
      id: 'sql',
      isVisible: false,
      items: [text(sql, { fontType: 'Monospace', size: 'Small' })],
    });
  if (reply.choices.length > 0) {
    body.push({
      type: 'ActionSet',
      actions: reply.choices.map((choice) => ({
        type: 'Action.Submit',
        title: choice.label,
        data: { verb: 'choose', question: choice.question },
      })),
    });
  }
  const actions = reply.actions.slice(0, MAX_ACTIONS).map((action) => cardAction(action, reply.question));
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

/**
 * The chart drawn for the card's width (540 px at 2×, so its text shows at full size), and the
 * larger image behind a click on it and behind a plain link under it.
 */
function chartElements(chart: NonNullable<Reply['chart']>): Element[] {
  const image: Element = { type: 'Image', url: chart.url, altText: chart.alt, size: 'Stretch' };
  if (!chart.fullUrl) return [image];
  const open = { type: 'Action.OpenUrl', title: 'Open the full-size chart', url: chart.fullUrl };
  return [
    { ...image, selectAction: open },
    text(`[Open the full-size chart](${chart.fullUrl})`, { isSubtle: true, size: 'Small', spacing: 'Small' }),
  ];
}

/** One action as a card action; Action.Submit data carries the verb the Teams handler routes. */
function cardAction(action: ReplyAction, question: string): Element {
  switch (action.type) {
    case 'show_sql':
      return { type: 'Action.ToggleVisibility', title: action.label, targetElements: ['sql'] };
    case 'download':
      return { type: 'Action.OpenUrl', title: action.label, url: action.url };
    case 'feedback':
      return {
        type: 'Action.Submit',
        title: action.label,
        data: { verb: 'feedback', value: action.value, question: question },
      };
    case 'ask':
      return {
        type: 'Action.Submit',
        title: action.label,
        data: { verb: 'ask', question: action.question },
      };
    case 'alert':
      return {
        type: 'Action.Submit',
        title: action.label,
        data: { verb: 'alert', action: action.verb, alert: action.alert, day: action.day },
      };
  }
}
