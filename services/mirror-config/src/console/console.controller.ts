import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { NotFoundError, sendProblem } from '../http/problem';
import type { MirrorConfigServiceConfig } from '../config';
import { Operation } from '../http/operation';
import { SERVICE_CONFIG } from '../tokens';
import { CONSOLE_CONTENT_SECURITY_POLICY, consoleDirectory, consolePage } from './console-files';

const PAGE = { 200: { contentType: 'text/html', description: 'The web console (a single-page application), which opens this page.' } };
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * The web console, from the API's own origin. Each of its pages has a route of its own here (the
 * links in notifications open them): every one answers the same index.html, and the console's
 * script shows the page its path names. Public, as a sign-in page must be: the pages hold no data;
 * the console reads everything through the API, as the signed-in user.
 */
@Controller()
export class ConsoleController {
  private readonly dir = consoleDirectory();

  constructor(@Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig) {}

  @Get()
  @Requires(requires.public())
  @Operation({ summary: 'The web console: namespaces and repositories with their mirrors\' status', responses: PAGE })
  home(@Res() res: Response) {
    this.page(res);
  }

  @Get('signin')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: sign in', responses: PAGE })
  signIn(@Res() res: Response) {
    this.page(res);
  }

  @Get('new-mirror')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: create a mirror', responses: PAGE })
  newMirror(@Res() res: Response) {
    this.page(res);
  }

  @Get('notifications')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: the signed-in user\'s in-app notifications', responses: PAGE })
  notifications(@Res() res: Response) {
    this.page(res);
  }

  @Get('organization/:namespace')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: an organization\'s robots, permissions and notification rules', responses: PAGE })
  organization(@Res() res: Response) {
    this.page(res);
  }

  @Get('organizations')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: the signed-in user\'s organizations; create and delete', responses: PAGE })
  organizations(@Res() res: Response) {
    this.page(res);
  }

  @Get('account')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: the signed-in user\'s profile and API tokens (`?tab=tokens`)', responses: PAGE })
  account(@Res() res: Response) {
    this.page(res);
  }

  @Get('users')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: every user, for a superuser', responses: PAGE })
  users(@Res() res: Response) {
    this.page(res);
  }

  /** A notification's `homepage`: the repository's page (`?tab=` mirroring, runs, tags, logs, notifications, permissions). */
  @Get('repository/:namespace/:repository')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: a repository\'s mirroring, runs, tags, usage logs, notifications and permissions', responses: PAGE })
  repository(@Res() res: Response) {
    this.page(res);
  }

  /** A notification's `run_url`. */
  @Get('repository/:namespace/:repository/mirror/runs/:runId')
  @Requires(requires.public())
  @Operation({ summary: 'The web console: one run, live while it runs, with each tag\'s result', responses: PAGE })
  run(@Res() res: Response) {
    this.page(res);
  }

  /** The console's script, styles and fonts; their names carry a hash of their content, so they are cached for good. */
  @Get('assets/:name')
  @Requires(requires.public())
  @Operation({ summary: 'The web console\'s scripts, styles and fonts', responses: { 200: { contentType: 'application/octet-stream', description: 'A file of the console\'s build.' } } })
  asset(@Param('name') name: string, @Res() res: Response) {
    if (!this.dir || !ASSET_NAME.test(name)) throw new NotFoundError(`no console asset ${name}`);
    res.sendFile(join(this.dir, 'assets', name), { maxAge: '365d', immutable: true, dotfiles: 'deny', headers: { 'X-Content-Type-Options': 'nosniff' } }, (error) => {
      if (error && !res.headersSent) sendProblem(res, { type: 'https://ferry.dev/problems/not-found', title: 'Not found', status: 404, code: 'NOT_FOUND', detail: `no console asset ${name}` });
    });
  }

  private page(res: Response): void {
    if (!this.dir) throw new NotFoundError('the web console is not built: run npm run build (npm start and npm test build it too)');
    res.setHeader('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-cache');
    // Read on each request: a rebuild of the console is served without a restart.
    let html: string;
    try {
      html = readFileSync(join(this.dir, 'index.html'), 'utf8');
    } catch {
      throw new NotFoundError('the web console\'s files are gone: run npm run build');
    }
    res.type('html').send(consolePage(html, { grafanaUrl: this.config.grafanaUrl }));
  }
}
