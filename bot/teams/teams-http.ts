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
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator.js';
import type express from 'express';
import type { Logger } from '../logger.ts';
import { requestIdOf } from '../request-id.ts';

/** Where a turn finds the id of the HTTP request it came in (bot/request-id.ts). */
export const TURN_REQUEST_ID = Symbol('tally.requestId');

/** What authentication hands the turn (botframework-connector's type, reached through the adapter). */
type AuthenticateRequestResult = Parameters<GuardedTeamsAdapter['runAuthenticated']>[0];

/** TeamsAdapter with authentication and the turn as two steps, so each failure gets its own answer. */
export class GuardedTeamsAdapter extends TeamsAdapter {
  authenticate(activity: Activity, authHeader: string) {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  runAuthenticated(
    auth: Awaited<ReturnType<GuardedTeamsAdapter['authenticate']>>,
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
