import { header, isRepository, isTag, noticesByRepository, record, type Headers, type PushSender } from './push-sender';

/**
 * GitHub's `package` (and older `registry_package`) webhook: `X-GitHub-Event: package`, `{ action:
 * "published", package: { name, namespace, owner: { login }, package_version: {
 * container_metadata: { tag: { name } } } } }`. The image is `ghcr.io/<namespace>/<name>`, in
 * lower case. Other actions and events (`ping`, `updated` without a tag) push nothing.
 */
export const gitHubSender: PushSender = {
  name: 'github',
  recognises: (_body, headers) => header(headers, 'x-github-event') !== undefined,
  notices(body, headers) {
    const event = header(headers, 'x-github-event');
    const pkg = record(event === 'registry_package' ? body.registry_package : body.package);
    const namespace = typeof pkg.namespace === 'string' ? pkg.namespace : record(pkg.owner).login;
    const repository = typeof namespace === 'string' && typeof pkg.name === 'string' ? `${namespace}/${pkg.name}`.toLowerCase() : null;
    if (!isRepository(repository)) return [];
    const published = (event === 'package' || event === 'registry_package') && body.action === 'published';
    const tag = record(record(record(pkg.package_version).container_metadata).tag).name;
    return noticesByRepository([{ repository, tag: published && isTag(tag) ? tag : null }]);
  },
};
