import { Body, Controller, HttpCode, Inject, Injectable, Param, Post } from '@nestjs/common';
import { aggregateSubject, AggregateKind, deleteCapView, tagDeletionOf } from '@ferry/contracts';
import { loadState, type EventStore } from '@ferry/event-store';
import { requires, robotDecider, targetRegistryLogin } from '@ferry/identity';
import type { SecretBox } from '@ferry/secrets';
import { EVENT_STORE } from '@ferry/service-runtime';
import { checkUpstream, previewRepository, syncRequestForMirror, type SyncPreview } from '@ferry/sync-engine';
import { MIRROR_PREVIEW, MIRROR_VERIFICATION, type MirrorPreviewView, type MirrorVerificationView } from '@ferry/api-schema';
import { withSpan } from '@ferry/telemetry';
import { Requires } from '../auth/permission';
import type { MirrorConfigServiceConfig } from '../config';
import { PreviewFailedError } from '../http/problem';
import { Operation } from '../http/operation';
import { SECRET_BOX, SERVICE_CONFIG } from '../tokens';
import { MIRROR_CREATE_BODY, MIRROR_UPDATE_BODY } from './mirror.input';
import { MirrorService } from './mirror.service';

/** A connection check lists the upstream's tags once: it answers well within a browser's patience or says it timed out. */
const VERIFY_TIMEOUT_MS = 60_000;
/** How many of the selected tags a connection check names. */
const VERIFY_FIRST_TAGS = 10;

/**
 * The field of the mirror's body a failed connection check is about, by the engine's stable code:
 * the console shows the message under it.
 */
export function verifyFailureField(code: string): string {
  switch (code) {
    case 'UNAUTHORIZED':
    case 'DENIED':
      return 'external_registry_password';
    case 'TLS_VERIFICATION_FAILED':
      return 'external_registry_config.verify_tls';
    default:
      return 'external_reference';
  }
}

/** The engine's failure in words a newcomer reads (the engine's own message follows). */
function verifyFailureMessage(code: string, message: string, reference: string): string {
  switch (code) {
    case 'UNAUTHORIZED':
      return `the upstream refused these credentials (${message})`;
    case 'DENIED':
      return `the upstream signed these credentials in but refused them this repository (${message})`;
    case 'NOT_FOUND':
    case 'NAME_UNKNOWN':
      return `the upstream has no repository ${reference} (${message})`;
    case 'TLS_VERIFICATION_FAILED':
      return `the upstream's TLS certificate could not be verified; turn off TLS verification only for a registry you trust (${message})`;
    case 'UPSTREAM_NOT_ALLOWED':
      return `this address is refused: it is internal and FERRY_SSRF_ALLOWED_HOSTS does not list it (${message})`;
    case 'UPSTREAM_UNREACHABLE':
    case 'TIMEOUT':
      return `the upstream could not be reached (${message})`;
    default:
      return message;
  }
}

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

  /**
   * "Test connection": the upstream reached with the settings (stored, changed by the body, or a
   * whole create body for a repository without a mirror), its tags listed and the rule applied.
   * A failure is a 422 naming the field it is about; nothing is written anywhere.
   */
  async verify(target: { namespace: string; repository: string }, body: unknown): Promise<MirrorVerificationView> {
    const { mirrorId, config, state } = await this.mirrors.settingsWith(target, body);
    const request = syncRequestForMirror(mirrorId, config, { target: this.config.target, ssrfAllowedHosts: this.config.ssrfAllowedHosts }, {
      upstreamPassword: config.externalRegistryPassword ? this.secrets.open(config.externalRegistryPassword) : null,
      target: null,
      tagsFirstSeen: state.tagsFirstSeen ?? {},
    });
    return withSpan('mirror.verify', async (span) => {
      span.setAttribute('ferry.mirror_id', mirrorId);
      try {
        const found = await checkUpstream({ ...request, signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS) });
        return {
          message: `Connected to ${config.externalReference}: ${found.tags.length} ${found.tags.length === 1 ? 'tag' : 'tags'}, ${found.selected.length} selected by the rule`,
          tags_listed: found.tags.length,
          tags_selected: found.selected.length,
          first_tags: found.selected.slice(0, VERIFY_FIRST_TAGS),
        };
      } catch (error) {
        const e = error as { code?: unknown; message?: unknown };
        const code = typeof e.code === 'string' ? e.code : 'INTERNAL';
        const message = verifyFailureMessage(code, typeof e.message === 'string' ? e.message : String(error), config.externalReference);
        throw new PreviewFailedError(code, message, verifyFailureField(code));
      }
    });
  }

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
    description:
      'Without a body, for the mirror as it is; with a body (the fields of PUT .../mirror), for those changes, which are not saved. ' +
      'For a repository without a mirror, the body is a whole create body (POST .../mirror\'s, validated the same way): nothing is stored, and the target listing is empty when the repository does not exist.',
    body: MIRROR_UPDATE_BODY,
    responses: { 200: MIRROR_PREVIEW },
  })
  preview(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    return this.previews.preview({ namespace, repository }, body);
  }

  @Post('verify')
  @HttpCode(200)
  @Requires(requires.repository('admin'))
  @Operation({
    summary: 'Tests the connection: reaches the upstream (address guard, TLS, credentials), lists its tags and applies the rule; writes nothing',
    description:
      'With a body: for a repository without a mirror, a whole create body (POST .../mirror\'s); otherwise the fields of PUT .../mirror over the stored settings (no body: as stored). ' +
      'A failure is 422 PREVIEW_FAILED whose `errors` names the field it is about (external_reference: address refused, unreachable or no such repository; external_registry_password: credentials refused; external_registry_config.verify_tls: TLS).',
    body: MIRROR_CREATE_BODY,
    responses: { 200: MIRROR_VERIFICATION },
  })
  verify(@Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    return this.previews.verify({ namespace, repository }, body);
  }
}
