/**
 * The push notifications of each sender Ferry reads, as their documentation shows them (trimmed of
 * fields Ferry does not read, never of ones it does): the hook's unit tests read them, and the
 * end-to-end test posts them to a hook.
 */
/** docker-registry's notification envelope, as in the distribution docs (notifications.md), for a manifest pushed by tag, and a blob push. */
export const DISTRIBUTION_PUSH = {
  events: [
    {
      id: 'asdf-asdf-asdf-asdf-0',
      timestamp: '2006-01-02T15:04:05Z',
      action: 'push',
      target: { mediaType: 'application/vnd.docker.distribution.manifest.v1+json', length: 1, digest: 'sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf', repository: 'library/test', url: 'https://example.com/v2/library/test/manifests/sha256:c3b3692957d439ac1928219a83fac91e7bf96c153725526874673ae1f2023f8d5', tag: 'latest' },
      request: { id: 'asdfasdf', addr: 'client.local', host: 'registrycluster.local', method: 'PUT', useragent: 'test/0.1' },
      actor: { name: 'test-actor' },
      source: { addr: 'hostname.local:port' },
    },
    {
      id: 'asdf-asdf-asdf-asdf-1',
      timestamp: '2006-01-02T15:04:05Z',
      action: 'push',
      target: { mediaType: 'application/vnd.docker.container.image.rootfs.diff+x-gtar', length: 2, digest: 'sha256:c3b3692957d439ac1928219a83fac91e7bf96c153725526874673ae1f2023f8d5', repository: 'library/test', url: 'https://example.com/v2/library/test/manifests/sha256:c3b3692957d439ac1928219a83fac91e7bf96c153725526874673ae1f2023f8d5' },
    },
  ],
};

/** Docker Hub's example (docs.docker.com/docker-hub/repos/manage/webhooks). */
export const DOCKER_HUB_PUSH = {
  callback_url: 'https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/',
  push_data: { pushed_at: 1417566161, pusher: 'trustedbuilder', tag: 'latest' },
  repository: {
    comment_count: 0,
    date_created: 1417494799,
    description: '',
    is_official: false,
    is_private: true,
    is_trusted: true,
    name: 'testhook',
    namespace: 'svendowideit',
    owner: 'svendowideit',
    repo_name: 'svendowideit/testhook',
    repo_url: 'https://registry.hub.docker.com/u/svendowideit/testhook/',
    star_count: 0,
    status: 'Active',
  },
};

/** Quay's "Repository Push" notification (Red Hat Quay, Use Red Hat Quay: repository notifications). */
export const QUAY_PUSH = {
  name: 'repository',
  repository: 'dgangaia/test',
  namespace: 'dgangaia',
  docker_url: 'quay.io/dgangaia/test',
  homepage: 'https://quay.io/repository/dgangaia/repository',
  updated_tags: ['latest'],
};

/** Harbor's default-format PUSH_ARTIFACT (goharbor.io, configure webhooks). */
export const HARBOR_PUSH = {
  type: 'PUSH_ARTIFACT',
  occur_at: 1586922308,
  operator: 'admin',
  event_data: {
    resources: [{ digest: 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8', tag: 'latest', resource_url: 'hub.harbor.com/test-webhook/debian:latest' }],
    repository: { date_created: 1586922308, name: 'debian', namespace: 'test-webhook', repo_full_name: 'test-webhook/debian', repo_type: 'private' },
  },
};

/** GitHub's `package` webhook, action `published`, for a container (docs.github.com webhook events: package). */
export const GITHUB_PACKAGE_PUBLISHED = {
  action: 'published',
  package: {
    id: 1,
    name: 'hello-world',
    namespace: 'octo-org',
    description: '',
    ecosystem: 'CONTAINER',
    package_type: 'CONTAINER',
    html_url: 'https://github.com/orgs/octo-org/packages/container/package/hello-world',
    owner: { login: 'octo-org', id: 2, type: 'Organization' },
    package_version: {
      id: 3,
      version: 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8',
      name: 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8',
      container_metadata: { tag: { name: 'v1.2.0', digest: 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8' }, labels: {}, manifest: {} },
      package_url: 'ghcr.io/octo-org/hello-world:v1.2.0',
    },
    registry: { about_url: 'https://docs.github.com/packages', name: 'GitHub CONTAINER registry', type: 'CONTAINER', url: 'https://ghcr.io/octo-org', vendor: 'GitHub Inc' },
  },
  organization: { login: 'octo-org' },
  sender: { login: 'octocat' },
};

