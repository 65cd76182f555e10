/** Teams' door for tests: the real server and adapter, with replies captured by a local Bot Connector stand-in. */
import type { Server } from 'node:http';
import type { Runtime } from '../bot/runtime.ts';
import { createServer, listen } from '../bot/server.ts';
import { createTeamsBot } from '../bot/teams/teams-bot.ts';
import { freePort } from '../warehouse/free-port.ts';
import { BotConnectorStub } from './bot-connector.ts';
import { testRuntime } from './helpers.ts';

export interface TeamsDoor {
  connector: BotConnectorStub;
  runtime: Runtime;
  base: string;
  close(): Promise<void>;
}

export async function startTeamsDoor(overrides: Record<string, string> = {}): Promise<TeamsDoor> {
  const connector = await new BotConnectorStub().start();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const runtime = await testRuntime({ PUBLIC_URL: base, ...overrides });
  const server: Server = await listen(createServer(runtime, { teams: createTeamsBot(runtime) }), port);
  return {
    connector,
    runtime,
    base,
    close: async () => {
      server.close();
      await connector.stop();
      await runtime.close();
    },
  };
}
