import { Body, Controller, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { aggregateSubject, AggregateKind, deleteCapView, tagDeletionOf } from '@ferry/contracts';
import { loadState, type EventStore } from '@ferry/event-store';
import { requires, robotDecider, targetRegistryLogin } from '@ferry/identity';
import type { SecretBox } from '@ferry/secrets';
import { EVENT_STORE } from '@ferry/service-runtime';
import { previewRepository, syncRequestForMirror, type SyncPreview } from '@ferry/sync-engine';
import { MIRROR_PREVIEW, type MirrorPreviewView } from '@ferry/api-schema';
import { Requires } from '../auth/permission';
import type { MirrorConfigServiceConfig } from '../config';
import { PreviewFailedError } from '../http/problem';
import { Operation } from '../http/operation';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import { MIRROR_UPDATE_BODY } from './mirror.input';
import { MirrorService } from './mirror.service';

/** A preview reads every selected tag of both registries: long for a big repository, but never unbounded. */
const PREVIEW_TIMEOUT_MS = 5 * 60_000;

function previewView(p: SyncPreview, deletion: ReturnType<typeof tagDeletionOf>): MirrorPreviewView {
  return {
    tags_matched: p.tagsMatched.length,
    copy: p.tags.flatMap((t) => (t.action === 'copy' ? [{ tag: t.tag, digest: t.digest, bytes: t.bytes, companion: t.companion }] : [])),
    unchanged: p.tags.flatMap((t) => (t.action === 'unchanged' ? [{ tag: t.tag, digest: t.digest, companion: t.companion }] : [])),
    failing: p.tags.flatMap((t) => (t.action === 'fail' ? [{ tag: t.tag, error: t.error, companion: t.companion }] : [])),
    delete: p.delete,
    tag_deletion: {
      enabled: deletion.enabled,
      max_delete: deleteCapView(deletion.maxDelete),
      refused: p.deletionRefused ? { would_delete: p.deletionRefused.wouldDelete, allowed: p.deletionRefused.allowed } : null,
    },
    totals: { copy: p.totals.copy, unchanged: p.totals.unchanged, failing: p.totals.fail, delete: p.totals.delete, bytes: p.totals.bytes },
  };
}

/**
 * What the mirror's next run would copy, leave and delete, from the registries' real listings,
 * read as the run would read them (the upstream with the mirror's credentials, the target as its
 * robot) without writing anything. A body previews changed settings before they are saved.
 */
@Injectable()
export class MirrorPreviewService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(SERVICE_CONFIG) private readonly config: MirrorConfigServiceConfig,
    private readonly mirrors: MirrorService,
  ) {}

  async preview(target: { namespace: string; repository: string }, body: unknown): Promise<MirrorPreviewView> {
    const { mirrorId, config, state } = await this.mirrors.settingsWith(target, body);
    const settings = this.config.target;
    const readRobot = async () => (await loadState(this.store, aggregateSubject(this.store.prefix, AggregateKind.Robot, config.robotUsername), robotDecider)).state;
    const writer = await targetRegistryLogin(settings, config.robotUsername, readRobot, (sealed) => this.secrets.open(sealed));
    const request = syncRequestForMirror(mirrorId, config, { target: settings, ssrfAllowedHosts: this.config.ssrfAllowedHosts }, {
      upstreamPassword: config.externalRegistryPassword ? this.secrets.open(config.externalRegistryPassword) : null,
      target: writer,
      tagsFirstSeen: state.tagsFirstSeen ?? {},
    });
    try {
      const preview = await previewRepository({ ...request, signal: AbortSignal.timeout(PREVIEW_TIMEOUT_MS) });
      return previewView(preview, tagDeletionOf(config));
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      throw new PreviewFailedError(typeof e.code === 'string' ? e.code : 'INTERNAL', typeof e.message === 'string' ? e.message : String(error));
    }
  }
}

@Controller('api/v1/repository/:namespace/:repository/mirror')
export class MirrorPreviewController {
  constructor(private readonly previews: MirrorPreviewService) {}

  @Post('preview')
  @HttpCode(200)
  @Requires(requires.repository('write'))
  @Operation({
    summary: 'What the next run would copy, leave and delete, with counts and bytes; nothing is written',
    description: 'Without a body, for the mirror as it is; with a body (the fields of PUT .../mirror), for those changes, which are not saved.',
    body: MIRROR_UPDATE_BODY,
    responses: { 200: MIRROR_PREVIEW },
  })
  preview(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    return this.previews.preview({ namespace, repository }, body);
  }
}
