import { Body, Controller, Get, Headers, HttpCode, Param, Put } from '@nestjs/common';
import { causationFromRequest } from '../http/request-context';
import { RobotService } from './robot.service';

/** Robot accounts over HTTP, at Quay's path. */
@Controller('api/v1/organization/:namespace/robots/:name')
export class RobotController {
  constructor(private readonly robots: RobotService) {}

  @Put()
  @HttpCode(201)
  create(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Headers() headers: Record<string, string>) {
    return this.robots.create(namespace, name, body, causationFromRequest(headers));
  }

  @Get()
  get(@Param('namespace') namespace: string, @Param('name') name: string) {
    return this.robots.get(namespace, name);
  }
}
