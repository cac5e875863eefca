import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { cookieValue, CSRF_COOKIE, SESSION_COOKIE } from '../auth/session';
import { warnIgnored } from '../http/quay-body';
import { Operation } from '../http/operation';
import { SIGN_IN_BODY } from './session.input';
import { SessionService } from './session.service';
import { SIGNED_IN, SIGNED_OUT } from './session.view';

/**
 * The web console's sign-in and sign-out (Quay's `/api/v1/signin` and `/api/v1/signout`): the
 * session is an httpOnly, SameSite=Strict cookie; its CSRF token is answered and set in a cookie
 * the console's script reads.
 */
@Controller('api/v1')
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  /** Public: this is where a caller without a credential gets one. Failed sign-ins are throttled (429). */
  @Post('signin')
  @HttpCode(200)
  @Requires(requires.public())
  @Operation({
    summary: 'Signs in with a user name and password: sets the session cookie (httpOnly, SameSite=Strict) and answers its CSRF token',
    body: SIGN_IN_BODY,
    responses: { 200: SIGNED_IN },
  })
  async signIn(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Cause() cause: Causation) {
    const started = await this.sessions.signIn(body, req.ip ?? req.socket.remoteAddress ?? 'unknown', cause);
    const maxAge = Date.parse(started.view.expires_at) - Date.now();
    const common = { sameSite: 'strict', secure: req.secure, path: '/', maxAge } as const;
    res.cookie(SESSION_COOKIE, started.token, { ...common, httpOnly: true });
    res.cookie(CSRF_COOKIE, started.view.csrf_token, { ...common, httpOnly: false });
    res.setHeader('Cache-Control', 'no-store');
    warnIgnored(res, started.ignored);
    return started.view;
  }

  /** Revokes the session the cookie holds (with its CSRF header, as every change) and clears the cookies. */
  @Post('signout')
  @HttpCode(200)
  @Requires(requires.signedIn('user:read'))
  @Operation({ summary: 'Signs out: revokes the session of the cookie and clears it', responses: { 200: SIGNED_OUT } })
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Cause() cause: Causation) {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    // Signed in with an Authorization header instead: there is no session to end.
    if (token !== undefined && req.headers.authorization === undefined) await this.sessions.signOut(token, cause);
    for (const name of [SESSION_COOKIE, CSRF_COOKIE]) res.clearCookie(name, { path: '/', sameSite: 'strict', secure: req.secure, httpOnly: name === SESSION_COOKIE });
    return { success: true as const };
  }
}
