import { distributionSender } from './distribution.sender';
import { dockerHubSender } from './dockerhub.sender';
import { gitHubSender } from './github.sender';
import { harborSender } from './harbor.sender';
import { quaySender } from './quay.sender';
import { record, type Headers, type PushNotice, type PushSender } from './push-sender';

/** Every sender Ferry reads, GitHub first (the only one that names itself, in a header). */
export const PUSH_SENDERS: readonly PushSender[] = [gitHubSender, distributionSender, harborSender, quaySender, dockerHubSender];

/** What a delivery says: whose format it is and its notices; null when no sender's format fits. */
export function readPushDelivery(body: unknown, headers: Headers): { sender: string; notices: PushNotice[] } | null {
  const fields = record(body);
  const sender = PUSH_SENDERS.find((s) => s.recognises(fields, headers));
  return sender ? { sender: sender.name, notices: sender.notices(fields, headers) } : null;
}
