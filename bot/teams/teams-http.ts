/**
 * The Teams door's HTTP handling: a Bot Framework activity in, authenticated first, then run.
 *
 *   body → activity (400 if it isn't one) → token (401 if it can't be verified, for any reason)
 *        → turn (500 without detail if the turn itself fails)
 *
 * botbuilder's own `process` answers a token it can't verify with 500 and the error's text (the
 * key endpoint's URL and why it failed) whenever the failure isn't an AuthenticationError — a
 * forged `alg=none` token or an unreachable key endpoint did exactly that. Here every failure to
 * authenticate is a bare 401; the reason goes to the log only.
 */
import type { Application, TurnState } from '@microsoft/teams-ai';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, CloudAdapter, InvokeResponse, TurnContext } from 'botbuilder';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator.js';
import type express from 'express';
import type { Logger } from '../logger.ts';
import { requestIdOf } from '../request-id.ts';

/** Where a turn finds the id of the HTTP request it came in (bot/request-id.ts). */
export const TURN_REQUEST_ID = Symbol('tally.requestId');

/** What authentication hands the turn (botframework-connector's types, reached through botbuilder). */
type BotAuthentication = NonNullable<ConstructorParameters<typeof CloudAdapter>[0]>;
type AuthenticateRequestResult = Awaited<ReturnType<BotAuthentication['authenticateRequest']>>;

type ConnectorFactory = NonNullable<AuthenticateRequestResult['connectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<BotAuthentication['createUserTokenClient']>>;

/** Connector clients kept per app id, service URL and audience (a deployment talks to a handful). */
export const CONNECTOR_CLIENTS_KEPT = 100;

/** botframework-connector's own authentications, whose user-token clients are known to depend on the app id alone. */
const KNOWN_AUTHENTICATIONS = new Set([
  'ConfigurationBotFrameworkAuthentication',
  'ParameterizedBotFrameworkAuthentication',
]);

/**
 * TeamsAdapter with authentication and the turn as two steps, so each failure gets its own answer.
 *
 * It also keeps its Bot Connector clients. botbuilder makes a ConnectorClient for every turn and
 * every proactive post — a new HTTP pipeline and its own connection pool each time, so every reply
 * paid for a client and a fresh TCP connection. A client depends only on what its factory was made
 * with: the bot's app id (from the claims) and the adapter's own fixed settings (credentials
 * factory, OAuth scope, login endpoint), plus the service URL and audience it is asked for; tokens
 * are fetched and renewed by its credentials on each request. So clients are kept by app id,
 * service URL and audience, as botbuilder's older BotFrameworkAdapter kept them.
 */
export class GuardedTeamsAdapter extends TeamsAdapter {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(...args: ConstructorParameters<typeof TeamsAdapter>) {
    super(...args);
    const auth = this.botFrameworkAuthentication;
    const createConnectorFactory = auth.createConnectorFactory.bind(auth);
    // Proactive posts (continueConversationAsync) get their factory here.
    auth.createConnectorFactory = (claims) => this.keptConnectors(createConnectorFactory(claims));
    // botbuilder also makes a user-token client (sign-in prompts; Tally has none) for every turn:
    // a token API client with its own HTTP pipeline, each time. It depends only on the bot's app id
    // (from the claims) and the authentication's fixed settings (credentials factory, OAuth scope,
    // login and OAuth endpoints), and fetches its tokens per request: kept by app id.
    if (KNOWN_AUTHENTICATIONS.has(auth.constructor?.name)) {
      const createUserTokenClient = auth.createUserTokenClient.bind(auth);
      auth.createUserTokenClient = (claims) => {
        // botframework-connector's own choice of app id: the audience claim, else the appid claim.
        const key = JSON.stringify(claims.getClaimValue('aud') ?? claims.getClaimValue('appid') ?? null);
        return keptPromise(this.userTokenClients, key, () => createUserTokenClient(claims));
      };
    }
  }

  /** How many user-token clients are kept (tests). */
  userTokenClientsKept(): number {
    return this.userTokenClients.size;
  }

  async authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: this.keptConnectors(result.connectorFactory) };
  }

  /** How many connector clients are kept (tests). */
  connectorClientsKept(): number {
    return this.connectors.size;
  }

  private keptConnectors<F extends ConnectorFactory | undefined>(factory: F): F {
    if (!factory) return factory;
    const appId = (factory as { appId?: unknown }).appId;
    // Only botframework-connector's own factory, whose settings are known to be the adapter's.
    if (
      factory?.constructor?.name !== 'ConnectorFactoryImpl' ||
      (appId !== undefined && typeof appId !== 'string')
    )
      return factory;
    const kept = this.connectors;
    return {
      create(serviceUrl: string, audience?: string) {
        const key = JSON.stringify([appId ?? null, serviceUrl, audience ?? null]);
        return keptPromise(kept, key, () => factory.create(serviceUrl, audience));
      },
    } as ConnectorFactory as F;
  }

  runAuthenticated(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

export function teamsHandler(
  adapter: GuardedTeamsAdapter,
  app: Application<TurnState>,
  logger: Logger,
): (req: express.Request, res: express.Response) => Promise<void> {
  return async (req, res) => {
    const requestId = requestIdOf(req);
    const log = requestId ? logger.child({ requestId }) : logger;
    let activity: Activity;
    try {
      activity = validateAndFixActivity(req.body as Activity);
    } catch (error) {
      log.warn({ ip: req.ip, err: (error as Error).message }, 'malformed Bot Framework activity');
      return void res.status(400).json({ error: 'expected a Bot Framework activity' });
    }
    const header = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    let auth: AuthenticateRequestResult;
    try {
      auth = await adapter.authenticate(activity, header);
    } catch (error) {
      log.warn(
        { ip: req.ip, reason: (error as Error).message?.slice(0, 500), hasToken: header !== '' },
        'teams request refused: token not verified',
      );
      return void res.status(401).end();
    }
    try {
      const invoke = await adapter.runAuthenticated(auth, activity, (context) => {
        context.turnState.set(TURN_REQUEST_ID, requestId);
        return app.run(context).then(() => undefined);
      });
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (error) {
      log.error({ err: (error as Error).message }, 'teams activity failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    }
  };
}

/**
 * The client kept under `key`, else a new one kept: at most CONNECTOR_CLIENTS_KEPT, the least
 * recently used leaving first. One that could not be made is not kept: the next turn tries again.
 */
function keptPromise<T>(kept: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const known = kept.get(key);
  if (known) kept.delete(key);
  const client = known ?? make();
  if (!known)
    client.catch(() => {
      if (kept.get(key) === client) kept.delete(key);
    });
  kept.set(key, client);
  if (kept.size > CONNECTOR_CLIENTS_KEPT) kept.delete(kept.keys().next().value as string);
  return client;
}
