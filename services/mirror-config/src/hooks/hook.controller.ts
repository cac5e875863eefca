import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Cause } from '../auth/request-caller';
import { Operation } from '../http/operation';
import { CREATE_HOOK_BODY } from './hook.input';
import { HookReceiverService } from './hook-receiver.service';
import { HookService } from './hook.service';
import { HOOK_DELIVERY_ANSWER, HOOK_DELIVERY_LIST, HOOK_LIST, HOOK_VIEW } from './hook.view';

/** A repository mirror's push hooks: its admins manage them. */
@Controller('api/v1/repository/:namespace/:repository/mirror/hooks')
export class MirrorHookController {
  constructor(private readonly hooks: HookService) {}

  @Post()
  @HttpCode(201)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Creates a push hook for the mirror; its secret is in this answer only', body: CREATE_HOOK_BODY, responses: { 201: HOOK_VIEW } })
  create(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown, @Cause() cause: Causation) {
    return this.hooks.create({ kind: 'mirror', target: { namespace, repository } }, body, cause);
  }

  @Get()
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'The mirror\'s push hooks (without their secrets)', responses: { 200: HOOK_LIST } })
  list(@Param('namespace') namespace: string, @Param('repository') repository: string) {
    return this.hooks.list({ kind: 'mirror', target: { namespace, repository } });
  }

  @Get(':hookId')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'A push hook (without its secret)', responses: { 200: HOOK_VIEW } })
  get(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('hookId') hookId: string) {
    return this.hooks.get({ kind: 'mirror', target: { namespace, repository } }, hookId);
  }

  @Post(':hookId/rotate')
  @HttpCode(200)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'A new secret for the hook; the old one is refused from now on', responses: { 200: HOOK_VIEW } })
  rotate(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('hookId') hookId: string, @Cause() cause: Causation) {
    return this.hooks.rotate({ kind: 'mirror', target: { namespace, repository } }, hookId, cause);
  }

  @Get(':hookId/deliveries')
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'The hook\'s last 100 deliveries that proved its secret, newest first, and what each did', responses: { 200: HOOK_DELIVERY_LIST } })
  deliveries(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('hookId') hookId: string) {
    return this.hooks.deliveries({ kind: 'mirror', target: { namespace, repository } }, hookId);
  }

  @Delete(':hookId')
  @HttpCode(204)
  @Requires(requires.repository('admin'))
  @Operation({ summary: 'Deletes the hook: its deliveries are refused from now on', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('repository') repository: string, @Param('hookId') hookId: string, @Cause() cause: Causation) {
    await this.hooks.delete({ kind: 'mirror', target: { namespace, repository } }, hookId, cause);
  }
}

/** An organization mirror's push hooks: its pushes run known repositories and discover new ones. */
@Controller('api/v1/organization/:namespace/mirror/hooks')
export class OrgMirrorHookController {
  constructor(private readonly hooks: HookService) {}

  @Post()
  @HttpCode(201)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Creates a push hook for the organization mirror; its secret is in this answer only', body: CREATE_HOOK_BODY, responses: { 201: HOOK_VIEW } })
  create(@Param('namespace') namespace: string, @Body() body: unknown, @Cause() cause: Causation) {
    return this.hooks.create({ kind: 'org-mirror', organization: namespace }, body, cause);
  }

  @Get()
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'The organization mirror\'s push hooks (without their secrets)', responses: { 200: HOOK_LIST } })
  list(@Param('namespace') namespace: string) {
    return this.hooks.list({ kind: 'org-mirror', organization: namespace });
  }

  @Get(':hookId')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'A push hook (without its secret)', responses: { 200: HOOK_VIEW } })
  get(@Param('namespace') namespace: string, @Param('hookId') hookId: string) {
    return this.hooks.get({ kind: 'org-mirror', organization: namespace }, hookId);
  }

  @Post(':hookId/rotate')
  @HttpCode(200)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'A new secret for the hook; the old one is refused from now on', responses: { 200: HOOK_VIEW } })
  rotate(@Param('namespace') namespace: string, @Param('hookId') hookId: string, @Cause() cause: Causation) {
    return this.hooks.rotate({ kind: 'org-mirror', organization: namespace }, hookId, cause);
  }

  @Get(':hookId/deliveries')
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'The hook\'s last 100 deliveries that proved its secret, newest first, and what each did', responses: { 200: HOOK_DELIVERY_LIST } })
  deliveries(@Param('namespace') namespace: string, @Param('hookId') hookId: string) {
    return this.hooks.deliveries({ kind: 'org-mirror', organization: namespace }, hookId);
  }

  @Delete(':hookId')
  @HttpCode(204)
  @Requires(requires.organization('admin'))
  @Operation({ summary: 'Deletes the hook: its deliveries are refused from now on', responses: { 204: null } })
  async delete(@Param('namespace') namespace: string, @Param('hookId') hookId: string, @Cause() cause: Causation) {
    await this.hooks.delete({ kind: 'org-mirror', organization: namespace }, hookId, cause);
  }
}

/**
 * Where upstream registries deliver their push notifications. No user's credential: the hook's
 * own secret, checked before anything else (`@Requires(requires.hookSecret())`).
 */
@Controller('api/v1/hooks')
export class HookDeliveryController {
  constructor(private readonly receiver: HookReceiverService) {}

  @Post(':hookId')
  @HttpCode(202)
  @Requires(requires.hookSecret())
  @Operation({
    summary: 'Receives an upstream\'s push notification',
    description:
      'Reads the CNCF distribution notification envelope (docker-registry\'s `notifications.endpoints`) and the documented webhooks of Docker Hub, Quay (`repo_push`), Harbor (`PUSH_ARTIFACT`, default format) and GitHub (`package`, `published`). ' +
      'A pushed tag the mirror\'s rule selects runs within about a second (a burst becomes one run); a new repository starts an organization mirror\'s discovery; anything else is recorded and acknowledged. 429 with Retry-After past the hook\'s rate.',
    responses: { 202: HOOK_DELIVERY_ANSWER },
  })
  receive(@Param('hookId') hookId: string, @Query('secret') secret: unknown, @Req() request: Request) {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    return this.receiver.receive({
      hookId,
      headers: request.headers,
      body,
      querySecret: typeof secret === 'string' ? secret : undefined,
      address: request.ip ?? request.socket.remoteAddress ?? 'unknown',
    });
  }
}
