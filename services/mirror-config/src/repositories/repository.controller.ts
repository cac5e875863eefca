import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires, type Caller } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause, CurrentCaller } from '../auth/request-caller';
import { answerWithWarning as answer } from '../http/quay-body';
import { PermissionService } from './permission.service';
import { RepositoryService } from './repository.service';

/** Quay's repositories and their user and robot permissions. */
@Controller('api/v1/repository')
export class RepositoryController {
  constructor(
    private readonly repositories: RepositoryService,
    private readonly permissions: PermissionService,
  ) {}

  @Post()
  @HttpCode(201)
  @Requires(requires.createRepository())
  create(@CurrentCaller() caller: Caller, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.repositories.create(caller, body, cause));
  }

  @Get(':namespace/:repository')
  @Requires(requires.repository('read'))
  get(@CurrentCaller() caller: Caller, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    return this.repositories.get(caller, { namespace, repository });
  }

  @Put(':namespace/:repository')
  @Requires(requires.repository('write'))
  update(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.repositories.update({ namespace, repository }, body, cause));
  }

  @Delete(':namespace/:repository')
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  async delete(@Param('namespace') namespace: string, @Param('repository') repository: string, @Cause() cause: Causation) {
    await this.repositories.delete({ namespace, repository }, cause);
  }

  @Put(':namespace/:repository/changestate')
  @Requires(requires.repository('admin'))
  changeState(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.repositories.changeState({ namespace, repository }, body, cause));
  }

  @Post(':namespace/:repository/changevisibility')
  @HttpCode(200)
  @Requires(requires.repository('admin'))
  changeVisibility(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answer(res, this.repositories.changeVisibility({ namespace, repository }, body, cause));
  }

  @Get(':namespace/:repository/permissions/user')
  @Requires(requires.repository('admin'))
  async permissionList(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    await this.repositories.find({ namespace, repository });
    return this.permissions.list({ namespace, repository });
  }

  @Get(':namespace/:repository/permissions/user/:username')
  @Requires(requires.repository('admin'))
  async permission(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('username') username: string) {
    await this.repositories.find({ namespace, repository });
    return this.permissions.get({ namespace, repository }, username);
  }

  @Put(':namespace/:repository/permissions/user/:username')
  @Requires(requires.repository('admin'))
  async setPermission(
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('username') username: string,
    @Body() body: unknown,
    @Cause() cause: Causation,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.repositories.find({ namespace, repository });
    return answer(res, this.permissions.set({ namespace, repository }, username, body, cause));
  }

  @Delete(':namespace/:repository/permissions/user/:username')
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  async removePermission(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('username') username: string, @Cause() cause: Causation) {
    await this.repositories.find({ namespace, repository });
    await this.permissions.remove({ namespace, repository }, username, cause);
  }
}
