import { isRepository, isTag, noticesByRepository, record, type PushSender } from './push-sender';

/**
 * Docker Hub's repository webhook: `{ push_data: { tag }, repository: { repo_name } }`. Docker
 * Hub sends only pushes, with no event type and no way to sign or authenticate the request.
 */
export const dockerHubSender: PushSender = {
  name: 'dockerhub',
  recognises: (body) => 'push_data' in body && 'repository' in body,
  notices(body) {
    const repository = record(body.repository).repo_name;
    if (!isRepository(repository)) return [];
    const tag = record(body.push_data).tag;
    return noticesByRepository([{ repository, tag: isTag(tag) ? tag : null }]);
  },
};
