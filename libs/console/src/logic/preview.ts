import { bytes, count } from './format';

interface PreviewTotals {
  tags_matched: number;
  totals: { copy: number; unchanged: number; failing: number; delete: number; bytes: number };
  tag_deletion: { refused: { would_delete: number; allowed: number } | null };
}

/** A preview in one sentence: what the next run would copy, leave, fail on and delete. */
export function previewWords(p: PreviewTotals): string {
  const t = p.totals;
  const parts = [`copy ${count(t.copy, 'tag')} (${bytes(t.bytes)})`, `leave ${t.unchanged} unchanged`];
  if (t.failing) parts.push(`fail on ${t.failing}`);
  if (t.delete) parts.push(`delete ${t.delete}`);
  const refused = p.tag_deletion.refused ? `. Deleting ${p.tag_deletion.refused.would_delete} is more than the ${p.tag_deletion.refused.allowed} allowed, so the run would delete none and fail` : '';
  return `${count(p.tags_matched, 'tag')} match: ${parts.join(', ')}${refused}.`;
}
