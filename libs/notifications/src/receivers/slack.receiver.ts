import { sendSlack, type SlackTarget } from '../slack.sender';
import { httpOptions, sendIfAllowed, URL_CONFIG, urlConfigView } from './http-receiver';
import type { Receiver } from './receiver';

/** A Slack incoming webhook: the payload as a Block Kit message. */
export const slackReceiver: Receiver<'slack', SlackTarget> = {
  method: 'slack',
  configSchema: URL_CONFIG,
  view: urlConfigView,
  guardsAddress: true,
  targetOf: ({ target }) => ({ url: target }),
  send: (target, payload, options) => sendIfAllowed(target.url, options, () => sendSlack(target, payload, httpOptions(options))),
};
