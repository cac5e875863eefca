import type { NotificationPayload } from './notification-payload';
import { notificationTitle, payloadFacts } from './notification-format';

/** An email's subject and its two bodies. */
export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The subject, plain-text and HTML bodies of a notification email. Every value from the payload
 * is HTML-escaped in the HTML part; the subject has line breaks removed so it cannot inject headers.
 */
export function buildEmailMessage(payload: NotificationPayload): EmailMessage {
  const title = notificationTitle(payload);
  const table = payloadFacts(payload);
  const text = [
    title,
    '',
    payload.message,
    '',
    ...table.map(([k, v]) => `${k}: ${v}`),
    '',
    `View the run: ${payload.run_url}`,
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif">',
    `<h2>${escapeHtml(title)}</h2>`,
    `<p>${escapeHtml(payload.message)}</p>`,
    '<table cellpadding="4">',
    ...table.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(payload.run_url)}">View the run</a></p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject: title.replace(/[\r\n]+/g, ' '), text, html };
}
