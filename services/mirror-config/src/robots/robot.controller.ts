import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { answerWithWarning } from '../http/quay-body';
import { Operation } from '../http/operation';
import { CREATE_ROBOT_BODY } from './robot.input';
import { ROBOT_CREDENTIALS, ROBOT_LIST, ROBOT_VIEW } from './robot.view';
import { RobotService } from './robot.service';

/** Robot accounts of an organization, at Quay's paths: the organization's admins manage them. */
@Controller('api/v1/organization/:namespace/robots')
export class RobotController {
  constructor(private readonly robots: RobotService) {}

  @Get()
  @Requires(requires.organization('read'))
  @Operation({ summary: 'The organization\'s robots (without their tokens)', responses: { 200: ROBOT_LIST } })
  list(@Param('namespace') namespace: string) {
    return this.robots.list(namespace);
  }

  @Put(':name')
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Creates a robot; its token is in this answer', body: CREATE_ROBOT_BODY, responses: { 201: ROBOT_VIEW } })
  create(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.robots.create(namespace, name, body, cause));
  }

  @Get(':name')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'A robot with its token (each reading is in the usage logs, as RobotTokenRead)', responses: { 200: ROBOT_VIEW } })
  get(@Param('namespace') namespace: string, @Param('name') name: string, @Cause() cause: Causation) {
    return this.robots.get(namespace, name, cause);
  }

  /** Quay's "View Credentials", which its console builds from the robot's token. */
  @Get(':name/credentials')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'A robot\'s credentials as a Docker login command, a Docker config.json and a Kubernetes pull secret (recorded as RobotTokenRead)', responses: { 200: ROBOT_CREDENTIALS } })
  credentials(@Param('namespace') namespace: string, @Param('name') name: string, @Cause() cause: Causation) {
    return this.robots.credentials(namespace, name, cause);
  }

  @Delete(':name')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Deletes a robot and every role it held; a mirror that names it fails its next run', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('name') name: string, @Cause() cause: Causation) {
    await this.robots.delete(namespace, name, cause);
  }

  @Post(':name/regenerate')
  @HttpCode(200)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'A new token for the robot; the old one stops working now', responses: { 200: ROBOT_VIEW } })
  regenerate(@Param('namespace') namespace: string, @Param('name') name: string, @Cause() cause: Causation) {
    return this.robots.regenerate(namespace, name, cause);
  }
}
