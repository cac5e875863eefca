import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { cookieValue, CSRF_COOKIE, CSRF_HEADER, mintPreSessionCsrf, NEXT_CSRF_HEADER, PRE_SESSION_COOKIE, SESSION_COOKIE, signInCsrfProblem } from '../auth/session';
import { ForbiddenError } from '../http/problem';
import { warnIgnored } from '../http/quay-body';
import { Operation } from '../http/operation';
import { SIGN_IN_BODY } from './session.input';
import { SessionService } from './session.service';
import { CSRF_TOKEN, SIGNED_IN, SIGNED_OUT } from './session.view';

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
    const header = req.headers[CSRF_HEADER];
    const csrfProblem = signInCsrfProblem(cookieValue(req.headers.cookie, PRE_SESSION_COOKIE), typeof header === 'string' ? header : undefined);
    if (csrfProblem) throw new ForbiddenError(csrfProblem);
    const started = await this.sessions.signIn(body, req.ip ?? req.socket.remoteAddress ?? 'unknown', cause);
    const maxAge = Date.parse(started.view.expires_at) - Date.now();
    const common = { sameSite: 'strict', secure: req.secure, path: '/', maxAge } as const;
    res.cookie(SESSION_COOKIE, started.token, { ...common, httpOnly: true });
    res.cookie(CSRF_COOKIE, started.view.csrf_token, { ...common, httpOnly: false });
    res.clearCookie(PRE_SESSION_COOKIE, { path: '/', sameSite: 'strict', secure: req.secure, httpOnly: true });
    res.setHeader(NEXT_CSRF_HEADER, started.view.csrf_token);
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

/** Quay's `GET /csrf_token`: the first step of an API client's password sign-in (see `signInCsrfProblem`). */
@Controller('csrf_token')
export class CsrfTokenController {
  @Get()
  @Requires(requires.public())
  @Operation({ summary: 'A CSRF token for the sign-in that follows (Quay\'s); also set in an httpOnly cookie that must come back with it', responses: { 200: CSRF_TOKEN } })
  csrfToken(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const token = mintPreSessionCsrf();
    res.cookie(PRE_SESSION_COOKIE, token, { sameSite: 'strict', secure: req.secure, path: '/', httpOnly: true, maxAge: 3_600_000 });
    res.setHeader('Cache-Control', 'no-store');
    return { csrf_token: token };
  }
}
