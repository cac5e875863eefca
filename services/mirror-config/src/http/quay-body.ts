import type { Response } from 'express';

/**
 * Quay's routes ignore fields their schema does not know (Quay's clients send some), where Ferry's
 * own would refuse them; a known field with a wrong value is still a 400 (`readBody`). What was
 * ignored is named in a `Warning` header (RFC 9111's 299, "miscellaneous persistent warning").
 */
export function warnIgnored(response: Pick<Response, 'setHeader'>, ignored: readonly string[]): void {
  if (ignored.length === 0) return;
  const names = ignored.map((f) => f.replace(/[^\x20-\x7e]/g, '?').replaceAll('"', "'").slice(0, 100)).join(', ');
  response.setHeader('Warning', `299 ferry "unknown fields ignored: ${names}"`);
}

/** A service's answer to a Quay body: its view, with what it ignored named in the `Warning` header. */
export async function answerWithWarning<View>(response: Pick<Response, 'setHeader'>, pending: Promise<{ view: View; ignored: string[] }>): Promise<View> {
  const { view, ignored } = await pending;
  warnIgnored(response, ignored);
  return view;
}

/**
 * Quay answers some routes with a bare JSON string (`POST /organization/`: `"Created"`). Nest sends a
 * returned string as it is, as text/html, which Quay's clients cannot parse; this sends it as JSON.
 */
export async function answerJsonString(response: Pick<Response, 'setHeader' | 'type'>, pending: Promise<{ view: string; ignored: string[] }>): Promise<string> {
  const view = await answerWithWarning(response, pending);
  response.type('application/json');
  return JSON.stringify(view);
}

/** Quay writes times of tokens, robots and logs as RFC 2822 dates in UTC (`Tue, 01 Dec 2026 20:02:54 -0000`). */
export const quayDate = (date: Date | null): string | null => (date ? date.toUTCString().replace('GMT', '-0000') : null);
