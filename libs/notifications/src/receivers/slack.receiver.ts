import { sendSlack } from '../slack.sender';
import { urlReceiver } from './http-receiver';

/** A Slack incoming webhook: the payload as a Block Kit message. */
export const slackReceiver = urlReceiver('slack', sendSlack);
