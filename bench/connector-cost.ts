/**
 * `npx tsx bench/connector-cost.ts`: the CPU of one Bot Connector send — what the Teams door pays
 * for a typing indicator or a reply — through botbuilder's own ConnectorClient, made by the
 * connector factory of the authentication the adapter uses, against a stand-in of the connector
 * in another process (so the CPU measured is the sender's alone). Typing indicators and cards of
 * the size Tally replies with, alternately. CONNECTOR_SENDS (20000) sends after 1,000 to warm up,
 * CONNECTOR_CONCURRENCY (100) at once; CONNECTOR_DELAY_MS (0): the stand-in answers that late, so
 * requests stay in flight as they do under load. Run it with `node --import tsx --cpu-prof` to
 * see where a send's time goes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

const sends = Number(process.env.CONNECTOR_SENDS ?? 20000);
const concurrency = Number(process.env.CONNECTOR_CONCURRENCY ?? 100);

const standIn = spawn(
  process.execPath,
  [
    '-e',
    `const delay = ${Number(process.env.CONNECTOR_DELAY_MS ?? 0)};
     const reply = (res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"id":"a-1"}'); };
     const s = require('node:http').createServer((req, res) => {
       req.resume();
       req.on('end', () => (delay ? setTimeout(reply, delay, res) : reply(res)));
     });
     s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [port] = (await once(standIn.stdout, 'data')) as [Buffer];
const serviceUrl = `http://127.0.0.1:${port.toString().trim()}/`;

const auth = new ConfigurationBotFrameworkAuthentication({});
const factory = auth.createConnectorFactory({
  claims: [],
  isAuthenticated: true,
  getClaimValue: () => null,
} as never);
const client = await factory.create(serviceUrl);

const card = {
  type: 'message',
  from: { id: 'bot', name: 'Tally' },
  recipient: { id: 'user-1', name: 'User' },
  conversation: { id: 'conv-1' },
  replyToId: 'act-1',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        type: 'AdaptiveCard',
        version: '1.5',
        body: Array.from({ length: 12 }, (_, i) => ({
          type: 'TextBlock',
          text: `Revenue in region ${i} was $${(i * 12345.67).toFixed(2)}, up ${i}% on last quarter`,
          wrap: true,
        })),
        actions: [{ type: 'Action.Submit', title: 'Show SQL', data: { verb: 'sql', id: 'x' } }],
      },
    },
  ],
};
const typing = {
  type: 'typing',
  from: card.from,
  recipient: card.recipient,
  conversation: card.conversation,
};

async function run(n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const activity = i % 2 ? card : typing;
        await client.conversations.replyToActivity('conv-1', 'act-1', activity as never);
      }
    }),
  );
}

await run(1000); // warm-up
const cpu = process.cpuUsage();
const started = performance.now();
await run(sends);
const used = process.cpuUsage(cpu);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${sends} sends in ${seconds.toFixed(2)} s: ${((used.user + used.system) / sends).toFixed(0)} µs CPU a send (user ${(used.user / sends).toFixed(0)}, system ${(used.system / sends).toFixed(0)})`,
);
standIn.kill();
