/**
 * "View Credentials" of Quay's robot page: one robot's name and token, written out the three ways
 * a client uses them. Pure: the caller opens the token and records the reading.
 */
export interface RobotCredentials {
  username: string;
  password: string;
  registry: string;
  docker_login: string;
  docker_config: { auths: Record<string, { auth: string; email: string }> };
  kubernetes_secret: {
    apiVersion: 'v1';
    kind: 'Secret';
    metadata: { name: string };
    type: 'kubernetes.io/dockerconfigjson';
    data: { '.dockerconfigjson': string };
  };
}

/** A Kubernetes object name (DNS-1123): lower case, digits and dashes, at most 253 characters. */
function secretName(username: string): string {
  return `${username.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')}-pull-secret`.slice(0, 253);
}

/** `registry` is the registry's host (and port), as `docker login` and `config.json` name it. */
export function robotCredentials(registry: string, username: string, token: string): RobotCredentials {
  const dockerConfig = { auths: { [registry]: { auth: Buffer.from(`${username}:${token}`, 'utf8').toString('base64'), email: '' } } };
  return {
    username,
    password: token,
    registry,
    // Single quotes: a robot's name holds a `+`, which some shells treat specially.
    docker_login: `docker login -u='${username}' -p='${token}' ${registry}`,
    docker_config: dockerConfig,
    kubernetes_secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName(username) },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerConfig), 'utf8').toString('base64') },
    },
  };
}
