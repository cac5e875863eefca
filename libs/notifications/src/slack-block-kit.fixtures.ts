// Test fixture: checks a message against the Block Kit rules this lib relies on, the way Slack's
// incoming webhook would reject it (`invalid_blocks`). Not exported from the index.
import type { SlackMessage } from './slack-message';

/** Returns the problems of a message; empty when Slack would accept it. */
export function blockKitProblems(message: unknown): string[] {
  const problems: string[] = [];
  const m = message as Partial<SlackMessage>;
  if (typeof m.text !== 'string' || m.text.length === 0) problems.push('text fallback missing');
  if (!Array.isArray(m.blocks) || m.blocks.length === 0 || m.blocks.length > 50) {
    problems.push('blocks must be 1..50');
    return problems;
  }
  const textObject = (o: unknown, where: string, max: number, kinds = ['plain_text', 'mrkdwn']) => {
    const t = o as { type?: unknown; text?: unknown };
    if (!t || !kinds.includes(t.type as string)) problems.push(`${where}: type must be ${kinds.join('|')}`);
    if (typeof t?.text !== 'string' || t.text.length === 0 || t.text.length > max) problems.push(`${where}: text must be 1..${max} chars`);
  };
  m.blocks.forEach((block, i) => {
    const b = block as unknown as Record<string, unknown>;
    switch (b.type) {
      case 'header':
        textObject(b.text, `blocks[${i}].text`, 150, ['plain_text']);
        break;
      case 'section': {
        if (b.text === undefined && b.fields === undefined) problems.push(`blocks[${i}]: section needs text or fields`);
        if (b.text !== undefined) textObject(b.text, `blocks[${i}].text`, 3000);
        if (b.fields !== undefined) {
          const fields = b.fields as unknown[];
          if (!Array.isArray(fields) || fields.length === 0 || fields.length > 10) problems.push(`blocks[${i}].fields must be 1..10`);
          else fields.forEach((f, j) => textObject(f, `blocks[${i}].fields[${j}]`, 2000));
        }
        break;
      }
      case 'context': {
        const elements = b.elements as unknown[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) problems.push(`blocks[${i}].elements must be 1..10`);
        else elements.forEach((e, j) => textObject(e, `blocks[${i}].elements[${j}]`, 3000));
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`blocks[${i}]: unknown type ${String(b.type)}`);
    }
  });
  return problems;
}
