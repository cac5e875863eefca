import { postJson } from '../http-post';
import { notificationTitle, payloadFacts } from '../notification-format';
import type { NotificationPayload } from '../notification-payload';
import { urlReceiver } from './http-receiver';

/** The Adaptive Card elements this receiver sends (adaptivecards.io/explorer). */
export type TeamsCardElement =
  | { type: 'TextBlock'; text: string; wrap: true; size?: 'Medium'; weight?: 'Bolder'; color?: 'Good' | 'Attention' }
  | { type: 'FactSet'; facts: Array<{ title: string; value: string }> };

/** The body Teams' webhooks take: a message with one Adaptive Card attachment. */
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
      type: 'AdaptiveCard';
      /** 1.4: what Teams renders on every client, desktop and mobile. */
      version: '1.4';
      body: TeamsCardElement[];
      actions: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
    };
  }>;
}

const TITLE_COLOR = { running: undefined, succeeded: 'Good', failed: 'Attention' } as const;

/** The card of a payload: the title (coloured by outcome), the message, the payload's facts, a link to the run. */
export function buildTeamsMessage(payload: NotificationPayload): TeamsMessage {
  const color = TITLE_COLOR[payload.outcome];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: notificationTitle(payload), wrap: true, size: 'Medium', weight: 'Bolder', ...(color ? { color } : {}) },
            { type: 'TextBlock', text: payload.message, wrap: true },
            { type: 'FactSet', facts: payloadFacts(payload).map(([title, value]) => ({ title, value })) },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'View the run', url: payload.run_url }],
        },
      },
    ],
  };
}

/**
 * Microsoft Teams: the payload as an Adaptive Card, posted to a Workflows webhook (which answers
 * 202) or a legacy incoming webhook (200). Its URL is a bearer secret, as Slack's is.
 */
export const teamsReceiver = urlReceiver('msteams', (target, payload, options) => postJson(target.url, JSON.stringify(buildTeamsMessage(payload)), {}, options));
