import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { answerWithWarning } from '../http/quay-body';
import { RobotService } from './robot.service';

/** Robot accounts of an organization, at Quay's paths: the organization's admins manage them. */
@Controller('api/v1/organization/:namespace/robots')
export class RobotController {
  constructor(private readonly robots: RobotService) {}

  @Get()
  @Requires(requires.organization('read'))
  list(@Param('namespace') namespace: string) {
    return this.robots.list(namespace);
  }

  @Put(':name')
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  create(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.robots.create(namespace, name, body, cause));
  }

  @Get(':name')
  @Requires(requires.organization('admin'))
  get(@Param('namespace') namespace: string, @Param('name') name: string) {
    return this.robots.get(namespace, name);
  }

  @Delete(':name')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  async delete(@Param('namespace') namespace: string, @Param('name') name: string, @Cause() cause: Causation) {
    await this.robots.delete(namespace, name, cause);
  }

  @Post(':name/regenerate')
  @HttpCode(200)
  @Requires(requires.organization('admin'))
  regenerate(@Param('namespace') namespace: string, @Param('name') name: string, @Cause() cause: Causation) {
    return this.robots.regenerate(namespace, name, cause);
  }
}
