/**
 * The configuration an upstream docker-registry needs to notify a hook (its `notifications`
 * section), as README's "Upstream push" shows it; an HMAC hook is GitHub's, which is set up in
 * GitHub's webhook page instead.
 */
export function registryConfigSnippet(url: string, secret: string, verification: string): string {
  if (verification === 'hmac-sha256') {
    return [`# GitHub: Settings → Webhooks → Add webhook`, `# Payload URL: ${url}`, `# Content type: application/json`, `# Secret: ${secret}`, `# Events: Packages`].join('\n');
  }
  return [
    'notifications:',
    '  endpoints:',
    '    - name: ferry',
    `      url: ${url}`,
    '      headers:',
    `        Authorization: [Bearer ${secret}]`,
    '      timeout: 1s',
    '      threshold: 3',
    '      backoff: 1s',
    '      ignoredmediatypes:',
    '        - application/octet-stream',
  ].join('\n');
}

/** The hook's address as the upstream must call it: the API answers a path when it does not know its public address. */
export function absoluteHookUrl(url: string, origin: string): string {
  return url.startsWith('/') ? `${origin}${url}` : url;
}
