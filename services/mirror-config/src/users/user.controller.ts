import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerWithWarning } from '../http/quay-body';
import { Operation } from '../http/operation';
import { CREATE_TOKEN_BODY, CREATE_USER_BODY, MANAGE_USER_BODY, UPDATE_USER_BODY } from './user.input';
import { UserService } from './user.service';
import { API_TOKEN_ANSWER, API_TOKEN_LIST, CHANGED_USER, CREATED_API_TOKEN, CREATED_USER, MANAGED_USER, USER_LIST, USER_VIEW } from './user.view';

/** The signed-in user (Quay's `/user/`) and their API tokens (Quay's app-specific tokens, with scopes and an expiry). */
@Controller('api/v1/user')
export class UserController {
  constructor(private readonly users: UserService) {}

  @Get()
  @Requires(requires.signedIn('user:read'))
  @Operation({ summary: 'The signed-in user', responses: { 200: USER_VIEW } })
  me(@CurrentCaller() caller: Caller) {
    return this.users.me(caller);
  }

  @Put()
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'Changes the signed-in user\'s password or e-mail address', body: UPDATE_USER_BODY, responses: { 200: USER_VIEW } })
  update(@CurrentCaller() caller: Caller, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.users.update(caller, body, cause));
  }

  @Get('apptoken')
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'The signed-in user\'s API tokens (without their secrets)', responses: { 200: API_TOKEN_LIST } })
  tokens(@CurrentCaller() caller: Caller) {
    return this.users.listTokens(caller);
  }

  /** Quay answers 200; the token (`token_code`) is in this answer only. */
  @Post('apptoken')
  @HttpCode(200)
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'Mints an API token; its secret (`token_code`) is in this answer and in its owner\'s later readings', body: CREATE_TOKEN_BODY, responses: { 200: CREATED_API_TOKEN } })
  createToken(@CurrentCaller() caller: Caller, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.users.createToken(caller, body, cause));
  }

  @Get('apptoken/:uuid')
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'One API token of the signed-in user with its secret (`token_code`); each reading is in the usage logs (ApiTokenRead)', responses: { 200: API_TOKEN_ANSWER } })
  token(@CurrentCaller() caller: Caller, @Param('uuid') uuid: string, @Cause() cause: Causation) {
    return this.users.getToken(caller, uuid, cause);
  }

  @Delete('apptoken/:uuid')
  @HttpCode(204)
  @Requires(requires.signedIn('user:admin'))
  @Operation({ summary: 'Revokes an API token', responses: { 204: null } })
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
  @Operation({ summary: 'Every user', responses: { 200: USER_LIST } })
  list() {
    return this.users.list();
  }

  /** Quay answers 200 with the user and, when none was given, a generated password (shown this once). */
  @Post()
  @HttpCode(200)
  @Requires(requires.superuser())
  @Operation({ summary: 'Creates a user; its password (generated when none is given) and Quay\'s `encrypted_password` for it are answered this once', body: CREATE_USER_BODY, responses: { 200: CREATED_USER } })
  create(@Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.users.create(body, cause));
  }

  @Get(':username')
  @Requires(requires.superuser())
  @Operation({ summary: 'A user, as a superuser sees it', responses: { 200: MANAGED_USER } })
  get(@Param('username') username: string) {
    return this.users.managed(username);
  }

  @Put(':username')
  @Requires(requires.superuser())
  @Operation({
    summary: 'Changes a user\'s password, e-mail address or whether it is enabled (not a superuser\'s)',
    description: 'A new password ends the user\'s sessions and encrypted passwords (API tokens live on, as in Quay) and is answered with Quay\'s `encrypted_password` for it, shown this once.',
    body: MANAGE_USER_BODY,
    responses: { 200: CHANGED_USER },
  })
  update(@Param('username') username: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.users.manage(username, body, cause));
  }

  @Delete(':username')
  @HttpCode(204)
  @Requires(requires.superuser())
  @Operation({ summary: 'Deletes a user, its tokens and every role it held', responses: { 204: null } })
  async delete(@Param('username') username: string, @Cause() cause: Causation) {
    await this.users.delete(username, cause);
  }
}
