import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerWithWarning } from '../http/quay-body';
import { UserService } from './user.service';

/** The signed-in user (Quay's `/user/`) and their API tokens (Quay's app-specific tokens, with scopes and an expiry). */
@Controller('api/v1/user')
export class UserController {
  constructor(private readonly users: UserService) {}

  @Get()
  @Requires(requires.signedIn('user:read'))
  me(@CurrentCaller() caller: Caller) {
    return this.users.me(caller);
  }

  @Put()
  @Requires(requires.signedIn('user:admin'))
  update(@CurrentCaller() caller: Caller, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.users.update(caller, body, cause));
  }

  @Get('apptoken')
  @Requires(requires.signedIn('user:admin'))
  tokens(@CurrentCaller() caller: Caller) {
    return this.users.listTokens(caller);
  }

  /** Quay answers 200; the token (`token_code`) is in this answer only. */
  @Post('apptoken')
  @HttpCode(200)
  @Requires(requires.signedIn('user:admin'))
  createToken(@CurrentCaller() caller: Caller, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.users.createToken(caller, body, cause));
  }

  @Get('apptoken/:uuid')
  @Requires(requires.signedIn('user:admin'))
  token(@CurrentCaller() caller: Caller, @Param('uuid') uuid: string) {
    return this.users.getToken(caller, uuid);
  }

  @Delete('apptoken/:uuid')
  @HttpCode(204)
  @Requires(requires.signedIn('user:admin'))
  async revokeToken(@CurrentCaller() caller: Caller, @Param('uuid') uuid: string, @Cause() cause: Causation) {
    await this.users.revokeToken(caller, uuid, cause);
  }
}

/** Quay's superuser user management. */
@Controller('api/v1/superuser/users')
export class SuperuserUserController {
  constructor(private readonly users: UserService) {}

  @Get()
  @Requires(requires.superuser())
  list() {
    return this.users.list();
  }

  /** Quay answers 200 with the user and, when none was given, a generated password (shown this once). */
  @Post()
  @HttpCode(200)
  @Requires(requires.superuser())
  create(@Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.users.create(body, cause));
  }

  @Delete(':username')
  @HttpCode(204)
  @Requires(requires.superuser())
  async delete(@Param('username') username: string, @Cause() cause: Causation) {
    await this.users.delete(username, cause);
  }
}
