import { Controller, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import type { Causation } from '@ferry/event-store';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { causationOf } from '../auth/request-caller';
import { HookService } from '../hooks/hook.service';
import { MirrorLookup, type TargetRepository } from '../mirror-lookup';
import { MirrorService } from '../mirror/mirror.service';
import { mirrorView } from '../mirror/mirror.view';
import { RobotService } from '../robots/robot.service';
import { RunQueries } from '../runs/run-queries.service';
import { GrpcErrorFilter } from './grpc-error';
import { MIRROR_PROTO } from './grpc-options';
import { quayBodyFromSettings, settingsMessage, type MessageObject } from './mirror-settings';

interface RepositoryRequest {
  namespace?: string;
  repository?: string;
}
interface SettingsRequest extends RepositoryRequest {
  mirror?: MessageObject;
  update_mask?: { paths?: string[] };
}

const target = (req: RepositoryRequest): TargetRepository => ({ namespace: req.namespace ?? '', repository: req.repository ?? '' });

/**
 * The caller's `x-request-id` metadata correlates everything the call causes, as the HTTP header
 * does; the guard has put the caller (from `authorization` metadata) beside the metadata.
 */
function causation(metadata: Metadata): Causation {
  const id = metadata.get('x-request-id')[0];
  return causationOf(metadata, typeof id === 'string' ? id : undefined);
}

/**
 * `ferry.v1.MirrorService`: the HTTP API's operations over gRPC. It holds no logic of its own:
 * it calls the same services as the HTTP controllers (mirrors, robots, run queries) and answers
 * with the HTTP views,
 * whose snake_case fields are the proto's. Passwords are write-only: `Mirror` has no such field.
 */
@Controller()
@UseFilters(GrpcErrorFilter)
export class MirrorGrpcController {
  constructor(
    private readonly mirrors: MirrorService,
    private readonly lookup: MirrorLookup,
    private readonly robots: RobotService,
    private readonly runs: RunQueries,
    private readonly hooks: HookService,
  ) {}

  private view(req: RepositoryRequest, row: Parameters<typeof mirrorView>[0]) {
    const view = mirrorView(row);
    // proto3 has no number-or-string: the cap travels as its text ("10", "25%").
    const maxDelete = view.tag_deletion.max_delete;
    return { namespace: req.namespace, repository: req.repository, ...view, tag_deletion: { enabled: view.tag_deletion.enabled, ...(maxDelete === null ? {} : { max_delete: String(maxDelete) }) } };
  }

  @GrpcMethod('MirrorService', 'CreateMirror')
  @Requires(requires.repository('admin'))
  async createMirror(req: SettingsRequest, metadata: Metadata) {
    return this.view(req, (await this.mirrors.create(target(req), quayBodyFromSettings(req.mirror), causation(metadata))).row);
  }

  @GrpcMethod('MirrorService', 'GetMirror')
  @Requires(requires.repository('read'))
  async getMirror(req: RepositoryRequest) {
    return this.view(req, await this.lookup.find(target(req)));
  }

  @GrpcMethod('MirrorService', 'UpdateMirror')
  @Requires(requires.repository('admin'))
  async updateMirror(req: SettingsRequest, metadata: Metadata) {
    return this.view(req, (await this.mirrors.update(target(req), quayBodyFromSettings(req.mirror, req.update_mask, settingsMessage(MIRROR_PROTO, 'ferry.v1.MirrorSettings')), causation(metadata))).row);
  }

  @GrpcMethod('MirrorService', 'DeleteMirror')
  @Requires(requires.repository('admin'))
  async deleteMirror(req: RepositoryRequest, metadata: Metadata) {
    await this.mirrors.delete(target(req), causation(metadata));
    return {};
  }

  @GrpcMethod('MirrorService', 'SyncNow')
  @Requires(requires.repository('write'))
  async syncNow(req: RepositoryRequest, metadata: Metadata) {
    return this.view(req, await this.mirrors.syncNow(target(req), causation(metadata)));
  }

  @GrpcMethod('MirrorService', 'CancelSync')
  @Requires(requires.repository('write'))
  async cancelSync(req: RepositoryRequest, metadata: Metadata) {
    return this.view(req, await this.mirrors.cancel(target(req), causation(metadata)));
  }

  @GrpcMethod('MirrorService', 'ListRuns')
  @Requires(requires.repository('read'))
  async listRuns(req: RepositoryRequest & { limit?: number }) {
    const { namespace, repository } = target(req);
    return this.runs.list(namespace, repository, req.limit === undefined ? undefined : String(req.limit));
  }

  @GrpcMethod('MirrorService', 'GetRun')
  @Requires(requires.repository('read'))
  async getRun(req: RepositoryRequest & { run_id?: string }) {
    const { namespace, repository } = target(req);
    return this.runs.get(namespace, repository, req.run_id ?? '');
  }

  @GrpcMethod('MirrorService', 'CreateRobot')
  @Requires(requires.organization('admin'))
  async createRobot(req: { namespace?: string; name?: string; description?: string }, metadata: Metadata) {
    const { view } = await this.robots.create(req.namespace ?? '', req.name ?? '', req.description === undefined ? {} : { description: req.description }, causation(metadata));
    return view;
  }

  @GrpcMethod('MirrorService', 'CreateHook')
  @Requires(requires.repository('admin'))
  async createHook(req: RepositoryRequest & { verification?: string }, metadata: Metadata) {
    return this.hooks.create({ kind: 'mirror', target: target(req) }, req.verification === undefined ? {} : { verification: req.verification }, causation(metadata));
  }

  @GrpcMethod('MirrorService', 'ListHooks')
  @Requires(requires.repository('admin'))
  async listHooks(req: RepositoryRequest) {
    return this.hooks.list({ kind: 'mirror', target: target(req) });
  }

  @GrpcMethod('MirrorService', 'RotateHookSecret')
  @Requires(requires.repository('admin'))
  async rotateHookSecret(req: RepositoryRequest & { hook_id?: string }, metadata: Metadata) {
    return this.hooks.rotate({ kind: 'mirror', target: target(req) }, req.hook_id ?? '', causation(metadata));
  }

  @GrpcMethod('MirrorService', 'DeleteHook')
  @Requires(requires.repository('admin'))
  async deleteHook(req: RepositoryRequest & { hook_id?: string }, metadata: Metadata) {
    await this.hooks.delete({ kind: 'mirror', target: target(req) }, req.hook_id ?? '', causation(metadata));
    return {};
  }

  @GrpcMethod('MirrorService', 'ListHookDeliveries')
  @Requires(requires.repository('admin'))
  async listHookDeliveries(req: RepositoryRequest & { hook_id?: string }) {
    return this.hooks.deliveries({ kind: 'mirror', target: target(req) }, req.hook_id ?? '');
  }
}
