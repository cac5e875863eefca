import { isRepository, isTag, list, noticesByRepository, record, type PushSender } from './push-sender';

/**
 * Harbor's webhook in its default format: `{ type: "PUSH_ARTIFACT", event_data: { resources:
 * [{ tag, digest }], repository: { repo_full_name } } }`. Other event types (pulls, deletes,
 * scans, quotas) push nothing.
 */
export const harborSender: PushSender = {
  name: 'harbor',
  recognises: (body) => typeof body.type === 'string' && 'event_data' in body,
  notices(body) {
    const data = record(body.event_data);
    const repository = record(data.repository).repo_full_name;
    if (!isRepository(repository)) return [];
    const tags = body.type === 'PUSH_ARTIFACT' ? list(data.resources).map((r) => record(r).tag).filter(isTag) : [];
    return noticesByRepository(tags.length ? tags.map((tag) => ({ repository, tag })) : [{ repository, tag: null }]);
  },
};
