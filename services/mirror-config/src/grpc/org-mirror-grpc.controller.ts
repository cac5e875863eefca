import { Controller, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { causationOf } from '../auth/request-caller';
import { HookService } from '../hooks/hook.service';
import { OrgMirrorService } from '../org-mirror/org-mirror.service';
import type { OrgMirrorView } from '../org-mirror/org-mirror.view';
import { GrpcErrorFilter } from './grpc-error';
import { ORG_MIRROR_PROTO } from './grpc-options';
import { quayBodyFromSettings, settingsMessage, type MessageObject } from './mirror-settings';

interface OrganizationRequest {
  namespace?: string;
}
interface SettingsRequest extends OrganizationRequest {
  org_mirror?: MessageObject;
  update_mask?: { paths?: string[] };
}

const causation = (metadata: Metadata) => {
  const id = metadata.get('x-request-id')[0];
  return causationOf(metadata, typeof id === 'string' ? id : undefined);
};
const organization = (req: OrganizationRequest) => req.namespace ?? '';
/** proto3 has no number-or-string: a cap travels as its text ("10", "25%"). */
const capText = (cap: number | string | null) => (cap === null ? {} : { max_delete: String(cap) });

/**
 * `ferry.v1.OrgMirrorService`: the organization mirror's HTTP operations over gRPC, through the
 * same service and the same input schema (`quayBodyFromSettings` turns `OrgMirrorSettings` into
 * the Quay body the HTTP API parses), answering with the HTTP views.
 */
@Controller()
@UseFilters(GrpcErrorFilter)
export class OrgMirrorGrpcController {
  constructor(
    private readonly orgMirrors: OrgMirrorService,
    private readonly hooks: HookService,
  ) {}

  private message(req: OrganizationRequest, view: OrgMirrorView) {
    return { namespace: organization(req), ...view, vanished: { action: view.vanished.action, ...capText(view.vanished.max_delete) } };
  }

  @GrpcMethod('OrgMirrorService', 'CreateOrgMirror')
  @Requires(requires.organization('admin'))
  async create(req: SettingsRequest, metadata: Metadata) {
    return this.message(req, (await this.orgMirrors.create(organization(req), quayBodyFromSettings(req.org_mirror), causation(metadata))).view);
  }

  @GrpcMethod('OrgMirrorService', 'GetOrgMirror')
  @Requires(requires.organization('admin'))
  async get(req: OrganizationRequest) {
    return this.message(req, await this.orgMirrors.get(organization(req)));
  }

  @GrpcMethod('OrgMirrorService', 'UpdateOrgMirror')
  @Requires(requires.organization('admin'))
  async update(req: SettingsRequest, metadata: Metadata) {
    return this.message(req, (await this.orgMirrors.update(organization(req), quayBodyFromSettings(req.org_mirror, req.update_mask, settingsMessage(ORG_MIRROR_PROTO, 'ferry.v1.OrgMirrorSettings')), causation(metadata))).view);
  }

  @GrpcMethod('OrgMirrorService', 'DeleteOrgMirror')
  @Requires(requires.organization('admin'))
  async delete(req: OrganizationRequest & { delete_repositories?: boolean }, metadata: Metadata) {
    await this.orgMirrors.delete(organization(req), req.delete_repositories === undefined ? {} : { delete_repositories: String(req.delete_repositories) }, causation(metadata));
    return {};
  }

  @GrpcMethod('OrgMirrorService', 'SyncOrgMirrorNow')
  @Requires(requires.organization('admin'))
  async syncNow(req: OrganizationRequest, metadata: Metadata) {
    await this.orgMirrors.syncNow(organization(req), causation(metadata));
    return this.get(req);
  }

  @GrpcMethod('OrgMirrorService', 'CancelOrgMirrorSync')
  @Requires(requires.organization('admin'))
  async cancel(req: OrganizationRequest, metadata: Metadata) {
    await this.orgMirrors.cancel(organization(req), causation(metadata));
    return this.get(req);
  }

  @GrpcMethod('OrgMirrorService', 'VerifyOrgMirror')
  @Requires(requires.organization('admin'))
  async verify(req: OrganizationRequest) {
    const answer = await this.orgMirrors.verify(organization(req));
    return { success: answer.success, message: answer.message, ...(answer.code === null ? {} : { code: answer.code }) };
  }

  @GrpcMethod('OrgMirrorService', 'ListOrgMirrorRepositories')
  @Requires(requires.organization('admin'))
  async repositories(req: OrganizationRequest & { page?: number; limit?: number; status?: string }) {
    const query = Object.fromEntries(Object.entries({ page: req.page, limit: req.limit, status: req.status }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    return this.orgMirrors.repositories(organization(req), query);
  }

  @GrpcMethod('OrgMirrorService', 'CreateOrgMirrorHook')
  @Requires(requires.organization('admin'))
  async createOrgMirrorHook(req: OrganizationRequest & { verification?: string }, metadata: Metadata) {
    return this.hooks.create({ kind: 'org-mirror', organization: organization(req) }, req.verification === undefined ? {} : { verification: req.verification }, causation(metadata));
  }

  @GrpcMethod('OrgMirrorService', 'ListOrgMirrorHooks')
  @Requires(requires.organization('admin'))
  async listOrgMirrorHooks(req: OrganizationRequest) {
    return this.hooks.list({ kind: 'org-mirror', organization: organization(req) });
  }

  @GrpcMethod('OrgMirrorService', 'RotateOrgMirrorHookSecret')
  @Requires(requires.organization('admin'))
  async rotateOrgMirrorHookSecret(req: OrganizationRequest & { hook_id?: string }, metadata: Metadata) {
    return this.hooks.rotate({ kind: 'org-mirror', organization: organization(req) }, req.hook_id ?? '', causation(metadata));
  }

  @GrpcMethod('OrgMirrorService', 'DeleteOrgMirrorHook')
  @Requires(requires.organization('admin'))
  async deleteOrgMirrorHook(req: OrganizationRequest & { hook_id?: string }, metadata: Metadata) {
    await this.hooks.delete({ kind: 'org-mirror', organization: organization(req) }, req.hook_id ?? '', causation(metadata));
    return {};
  }

  @GrpcMethod('OrgMirrorService', 'ListOrgMirrorHookDeliveries')
  @Requires(requires.organization('admin'))
  async listOrgMirrorHookDeliveries(req: OrganizationRequest & { hook_id?: string }) {
    return this.hooks.deliveries({ kind: 'org-mirror', organization: organization(req) }, req.hook_id ?? '');
  }
}
