/**
 * Tally speaking first (digests, alerts): one `post(target, reply)` for every chat channel, so
 * schedulers never need to know how Teams or Slack deliver a message.
 */
import type { PostTarget } from '../scheduler/deliver.ts';
import type { Reply } from '../skills/reply.ts';
import type { SlackBot } from './slack/slack-bot.ts';
import type { TeamsBot } from './teams/teams-bot.ts';

export interface Proactive {
  post(target: PostTarget, reply: Reply): Promise<void>;
}

export class ProactiveError extends Error {
  readonly code = 'tally_proactive';
}

export function createProactive(doors: { teams?: TeamsBot; slack?: SlackBot }): Proactive {
  return {
    async post(target, reply) {
      if (target.channel === 'teams') {
        if (!doors.teams)
          throw new ProactiveError('Teams is not configured, so nothing can be posted there.');
        return doors.teams.post(target.conversationId, reply);
      }
      if (!doors.slack)
        throw new ProactiveError('Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET).');
      return doors.slack.post(target.channelId, reply);
    },
  };
}
