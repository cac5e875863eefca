import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { TagListView } from '@ferry/api-schema';
import { listTags, parseTagNameFilter, tagLifetimes, TAG_PAGE_MAX } from '@ferry/mirror';
import { NotFoundError } from '../http/problem';
import { readQuery } from '../http/query';
import { validateTarget, type TargetRepository } from '../mirror-lookup';
import { TagQueries } from './tag-queries';
import { verificationView } from './verification.view';

const WHOLE_NUMBER = 'must be a whole number';
/** Quay's `truthy_bool`: anything but an empty or false-like value is true. */
const TRUTHY = z.string().transform((s) => !['', 'false', '0', 'no', 'null'].includes(s.toLowerCase()));

/** Quay's query of ListRepositoryTags; a page below 1 is the first, a limit is clamped to 1 to 100 (default 50). */
export const TAG_LIST_QUERY = z.object({
  onlyActiveTags: TRUTHY.optional().meta({ description: 'true: only the tags the repository holds now (default false: their history too).' }),
  specificTag: z.string().optional().meta({ description: 'Only this tag (its lifetimes).' }),
  filter_tag_name: z
    .string()
    .transform((raw, ctx) => {
      const filter = parseTagNameFilter(raw);
      if (typeof filter === 'string') {
        ctx.addIssue({ code: 'custom', message: filter });
        return z.NEVER;
      }
      return filter;
    })
    .optional()
    .meta({ description: '`like:<text>` (names containing it, any case) or `eq:<name>`.' }),
  limit: z.coerce.number({ error: WHOLE_NUMBER }).int({ error: WHOLE_NUMBER }).optional().meta({ description: `Tags a page: 1 to ${TAG_PAGE_MAX} (default 50).` }),
  page: z.coerce.number({ error: WHOLE_NUMBER }).int({ error: WHOLE_NUMBER }).optional().meta({ description: 'The page, from 1 (default 1).' }),
});

/** Quay's tag API over what Ferry wrote to a repository: its tags now and each tag's history. */
@Injectable()
export class TagService {
  constructor(private readonly queries: TagQueries) {}

  /**
   * Quay's `tags` of a repository's view: its active tags by name, each with its digest, size and
   * last change (Quay shows them unless asked not to).
   */
  async activeTags(target: TargetRepository): Promise<Record<string, { name: string; manifest_digest: string; size: number | null; last_modified: string | undefined }>> {
    const id = validateTarget(target);
    const [active, history, manifests] = await Promise.all([this.queries.active(id), this.queries.history(id), this.queries.manifests(id)]);
    const { tags } = listTags(tagLifetimes(active, history), manifests, { onlyActiveTags: true, specificTag: null, filter: null, page: 1, limit: Math.max(1, active.length) });
    return Object.fromEntries(tags.map((t) => [t.name, { name: t.name, manifest_digest: t.manifest_digest, size: t.size, last_modified: t.last_modified }]));
  }

  async list(target: TargetRepository, query: Record<string, unknown>): Promise<TagListView> {
    const options = readQuery(TAG_LIST_QUERY, query);
    const id = validateTarget(target);
    if (!(await this.queries.repositoryExists(target.namespace, target.repository))) throw new NotFoundError(`no repository ${id}`);
    const [active, history, manifests, verifications] = await Promise.all([this.queries.active(id), this.queries.history(id), this.queries.manifests(id), this.queries.verifications(id)]);
    const listed = listTags(tagLifetimes(active, history), manifests, {
      onlyActiveTags: options.onlyActiveTags ?? false,
      specificTag: options.specificTag || null,
      filter: options.filter_tag_name ?? null,
      page: Math.max(1, options.page ?? 1),
      limit: Math.min(TAG_PAGE_MAX, Math.max(1, options.limit ?? 50)),
    });
    // Ferry's: an active tag of a mirror that verifies carries its last check.
    for (const t of listed.tags) {
      const verification = t.end_ts === undefined ? verifications.get(t.name) : undefined;
      if (verification) Object.assign(t, { verification: verificationView(verification) });
    }
    return listed;
  }
}
