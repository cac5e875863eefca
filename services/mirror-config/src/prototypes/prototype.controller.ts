import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { answerWithWarning } from '../http/quay-body';
import { Operation } from '../http/operation';
import { CREATE_PROTOTYPE_BODY, UPDATE_PROTOTYPE_BODY } from './prototype.input';
import { PROTOTYPE_LIST, PROTOTYPE_VIEW } from './prototype.view';
import { PrototypeService } from './prototype.service';

/** Quay's default permissions of an organization (permission prototypes): its admins manage them. */
@Controller('api/v1/organization/:namespace/prototypes')
export class PrototypeController {
  constructor(private readonly prototypes: PrototypeService) {}

  @Get()
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'The organization\'s default permissions', responses: { 200: PROTOTYPE_LIST } })
  list(@Param('namespace') namespace: string) {
    return this.prototypes.list(namespace);
  }

  /** Quay answers 200 with the new default permission. */
  @Post()
  @HttpCode(200)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Adds a default permission: the role every repository created in the organization (by `activating_user` alone, when given) grants its delegate', body: CREATE_PROTOTYPE_BODY, responses: { 200: PROTOTYPE_VIEW } })
  create(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.prototypes.create(namespace, body, cause));
  }

  @Get(':uuid')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'One default permission (Ferry\'s; Quay lists them only)', responses: { 200: PROTOTYPE_VIEW } })
  get(@Param('namespace') namespace: string, @Param('uuid') uuid: string) {
    return this.prototypes.get(namespace, uuid);
  }

  @Put(':uuid')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Changes a default permission\'s role (repositories created before keep theirs)', body: UPDATE_PROTOTYPE_BODY, responses: { 200: PROTOTYPE_VIEW } })
  update(@Param('namespace') namespace: string, @Param('uuid') uuid: string, @Body() body: unknown, @Cause() cause: Causation, @Res({ passthrough: true }) res: Response) {
    return answerWithWarning(res, this.prototypes.update(namespace, uuid, body, cause));
  }

  @Delete(':uuid')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Removes a default permission (repositories created before keep their roles)', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('uuid') uuid: string, @Cause() cause: Causation) {
    await this.prototypes.delete(namespace, uuid, cause);
  }
}
