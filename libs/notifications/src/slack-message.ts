import { formatBytes, formatDuration, notificationTitle } from './notification-format';
import type { NotificationPayload } from './notification-payload';

/** The subset of Slack Block Kit this lib emits. */
export type SlackTextObject = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji?: boolean } }
  | { type: 'section'; text?: SlackTextObject; fields?: SlackTextObject[] }
  | { type: 'context'; elements: SlackTextObject[] }
  | { type: 'divider' };

/** An incoming-webhook message: `text` is the fallback for notifications and old clients. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

// Block Kit limits (api.slack.com/reference/block-kit/blocks).
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const SECTION_TEXT_MAX = 3000;

/** Slack's mrkdwn treats `&`, `<`, `>` as control characters; everything user-made goes through this. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function field(label: string, value: string): SlackTextObject {
  return { type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, FIELD_MAX) };
}

/**
 * The Block Kit message for a payload: a header, a section of fields (repository, outcome,
 * counts, size, duration), an error section on failure, and a link to the run.
 */
export function buildSlackMessage(payload: NotificationPayload): SlackMessage {
  const title = notificationTitle(payload);
  const fields: SlackTextObject[] = [
    field('Repository', `<${payload.homepage}|${escapeSlackText(payload.repository)}>`),
    field('Outcome', payload.outcome),
  ];
  if (payload.tags_copied !== null) {
    fields.push(
      field('Tags copied', String(payload.tags_copied)),
      field('Tags unchanged', String(payload.tags_unchanged)),
      field('Tags deleted', String(payload.tags_deleted)),
      field('Tags failed', String(payload.tags_failed)),
    );
  }
  if (payload.bytes !== null) fields.push(field('Transferred', formatBytes(payload.bytes)));
  if (payload.duration_seconds !== null) fields.push(field('Duration', formatDuration(payload.duration_seconds)));

  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: false } },
    { type: 'section', fields },
  ];
  if (payload.error) {
    // Inside a code span nothing but &<> is special; a backtick in the message would end it.
    const message = escapeSlackText(payload.error.message).replace(/`/g, "'");
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Error* \`${escapeSlackText(payload.error.code)}\`\n\`\`\`${message}\`\`\``, SECTION_TEXT_MAX) },
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `<${payload.run_url}|View run ${escapeSlackText(payload.run_id)}>` }],
  });

  return { text: escapeSlackText(payload.error ? `${title}: ${payload.error.code}` : title), blocks };
}
