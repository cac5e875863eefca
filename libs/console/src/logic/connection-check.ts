import { count } from './format';

/** What `POST .../mirror/verify` answers. */
export interface VerificationAnswer {
  tags_listed: number;
  tags_selected: number;
  first_tags: string[];
}

/** A successful connection check in one sentence: what the upstream lists and what the rule takes from it. */
export function verificationWords(v: VerificationAnswer): string {
  if (v.tags_listed === 0) return 'Connected: the upstream repository exists but lists no tags yet, so a run would copy nothing.';
  const named = v.first_tags.length ? `: ${v.first_tags.join(', ')}${v.tags_selected > v.first_tags.length ? ` and ${v.tags_selected - v.first_tags.length} more` : ''}` : '';
  const selected = v.tags_selected === 0 ? 'the tag rule selects none of them, so a run would copy nothing; widen the rule' : `the tag rule selects ${v.tags_selected}${named}`;
  return `Connected: the upstream lists ${count(v.tags_listed, 'tag')}; ${selected}.`;
}

/** What the form shows after a refused check or preview: each problem under its field, the rest in the alert. */
export interface TryFailure {
  /** Problems by the API's field name, shown under the fields the form has. */
  errors: Record<string, string>;
  /** The alert's sentence. */
  title: string;
  /** Problems naming no field the form shows, spelled out in the alert. */
  elsewhere: string;
}

/**
 * A refused "Test connection" or "Preview", in words: the API names the field a failure is about
 * (the address, the password, TLS), so the message goes under that field and the alert points there.
 */
export function tryFailure(action: 'connection' | 'preview', problem: { code: string; message: string; fieldProblems: Array<{ field: string; message: string }> }, formFields: readonly string[]): TryFailure {
  const errors: Record<string, string> = {};
  for (const p of problem.fieldProblems) errors[p.field] = errors[p.field] ? `${errors[p.field]}; ${p.message}` : p.message;
  const shown = (field: string) => formFields.some((k) => field === k || field.startsWith(`${k}.`) || field.startsWith(`${k}[`));
  const elsewhere = problem.fieldProblems.filter((p) => !shown(p.field)).map((p) => `${p.field} ${p.message}`).join('; ');
  const what = action === 'connection' ? 'The connection test failed' : 'No preview';
  const title = problem.fieldProblems.some((p) => shown(p.field)) ? `${what}: see the fields marked below.` : `${what}: ${elsewhere || problem.message}`;
  return { errors, title, elsewhere: problem.fieldProblems.some((p) => shown(p.field)) ? elsewhere : '' };
}

/** The preview's heading: a mirror not created yet, changed settings, or the settings as saved. */
export function previewHeading(state: 'new' | 'changed' | 'saved'): string {
  return { new: 'Created with these settings, the first run would:', changed: 'With these changes, the next run would:', saved: 'As saved, the next run would:' }[state];
}
