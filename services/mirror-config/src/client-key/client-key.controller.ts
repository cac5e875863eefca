import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerWithWarning } from '../http/quay-body';
import { Operation } from '../http/operation';
import { CLIENT_KEY } from '../oauth/oauth-application.view';
import { CLIENT_KEY_BODY } from './client-key.input';
import { ClientKeyService } from './client-key.service';

/** Quay's `POST /api/v1/user/clientkey`: an encrypted password for `docker login`, for the signed-in user who confirms the password. */
@Controller('api/v1/user/clientkey')
export class ClientKeyController {
  constructor(private readonly keys: ClientKeyService) {}

  @Post()
  @HttpCode(200)
  @Requires(requires.signedIn('user:admin'))
  @Operation({
    summary: 'An encrypted password (Quay\'s client key) that `docker login` takes in place of the password, until the password changes',
    description: 'The password is confirmed first (a wrong one is a 400 naming `password`; failures are throttled as sign-ins are). The key is in this answer only and is not stored.',
    body: CLIENT_KEY_BODY,
    responses: { 200: CLIENT_KEY },
  })
  issue(@CurrentCaller() caller: Caller, @Body() body: unknown, @Req() req: Request, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    return answerWithWarning(res, this.keys.issue(caller, body, req.ip ?? req.socket.remoteAddress ?? 'unknown', cause));
  }
}
