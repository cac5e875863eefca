import { isRepository, isTag, list, noticesByRepository, type PushSender } from './push-sender';

/**
 * Quay's repository notification for `repo_push`: `{ repository: "ns/repo", docker_url,
 * updated_tags: ["latest"] }` (older Quay sent `updated_tags` as an object of tag to image id).
 */
export const quaySender: PushSender = {
  name: 'quay',
  recognises: (body) => 'updated_tags' in body && typeof body.repository === 'string',
  notices(body) {
    if (!isRepository(body.repository)) return [];
    const repository = body.repository;
    const updated = body.updated_tags;
    const tags = Array.isArray(updated) ? list(updated) : typeof updated === 'object' && updated !== null ? Object.keys(updated) : [];
    const pushed = tags.filter(isTag);
    return noticesByRepository(pushed.length ? pushed.map((tag) => ({ repository, tag })) : [{ repository, tag: null }]);
  },
};
