import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the web console's built files are: `@ferry/console`'s dist/public (index.html and
 * assets/), which the build writes (`npm start`, `npm test` and `npm run build` run it).
 * Null when the console was not built, so the API still starts and says how to build it.
 */
export function consoleDirectory(): string | null {
  let root: string;
  try {
    root = dirname(require.resolve('@ferry/console/package.json'));
  } catch {
    return null;
  }
  const dir = join(root, 'dist', 'public');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/** What the console's pages may load: only this origin's scripts and API (PatternFly sets inline styles). */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The console's index.html with what the deployment tells the console (`<meta name="ferry-...">`): where Grafana is, if anywhere. */
export function consolePage(html: string, settings: { grafanaUrl: string | undefined }): string {
  if (!settings.grafanaUrl) return html;
  return html.replace('</head>', `  <meta name="ferry-grafana-url" content="${escapeAttribute(settings.grafanaUrl)}" />\n  </head>`);
}
