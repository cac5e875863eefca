import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { RegistryExchange } from '@ferry/registry-client';
import type { BlobCopyRecord, SyncRequest, TagResult } from '@ferry/sync-engine';

const tracer = () => trace.getTracer('ferry');

/** `server.address` and `server.port` of a URL, as the OpenTelemetry HTTP conventions name them. */
function serverAttributes(url: string): Attributes {
  try {
    const u = new URL(url);
    return { 'server.address': u.hostname.replace(/^\[|\]$/g, ''), 'server.port': Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
  } catch {
    return {};
  }
}

/**
 * The spans of one run below its `mirror.run` span: one per tag (`mirror.tag <tag>`, active while
 * the tag is copied, a companion tag's inside its image's), and below each tag one per blob
 * (`mirror.blob`: digest, bytes, skipped / mounted / uploaded / failed, retries) and one per
 * registry request (an HTTP client span, attributes after the OpenTelemetry semantic
 * conventions). The sync engine's hooks feed it; it knows nothing of the run otherwise.
 */
export class RunTracing {
  private readonly tagSpans = new Map<string, Span>();

  /** The engine's hooks that make the spans. */
  hooks(): Pick<SyncRequest, 'aroundTag' | 'onBlob' | 'onExchange'> {
    return {
      aroundTag: (tag, work) => this.inTagSpan(tag, work),
      onBlob: (record) => this.blobSpan(record),
      onExchange: (side, exchange) => this.requestSpan(side, exchange),
    };
  }

  /** Records a tag's result on its span (the engine emits it while the tag's work runs). */
  tagResult(result: TagResult): void {
    const span = this.tagSpans.get(result.tag);
    if (!span) {
      // A result outside a tag's work (a deletion, a rollback): a span of its own.
      tracer().startSpan(`mirror.tag ${result.tag}`, { attributes: tagAttributes(result) }).end();
      return;
    }
    span.setAttributes(tagAttributes(result));
    if (result.kind === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.code });
  }

  private async inTagSpan<T>(tag: string, work: () => Promise<T>): Promise<T> {
    return tracer().startActiveSpan(`mirror.tag ${tag}`, { attributes: { 'ferry.tag': tag } }, async (span) => {
      this.tagSpans.set(tag, span);
      try {
        return await work();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        this.tagSpans.delete(tag);
        span.end();
      }
    });
  }

  private blobSpan(b: BlobCopyRecord): void {
    const span = tracer().startSpan(
      'mirror.blob',
      {
        startTime: b.startedAt,
        attributes: {
          'ferry.blob.digest': b.digest,
          'ferry.blob.size': b.size,
          'ferry.blob.bytes': b.bytesUploaded,
          'ferry.blob.outcome': b.outcome,
          'ferry.blob.retries': b.retries,
          ...(b.errorCode ? { 'error.type': b.errorCode } : {}),
        },
      },
      context.active(),
    );
    if (b.outcome === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: b.errorCode ?? 'failed' });
    span.end(b.startedAt + b.durationMs);
  }

  private requestSpan(side: 'upstream' | 'target', e: RegistryExchange): void {
    const span = tracer().startSpan(
      e.method,
      {
        kind: SpanKind.CLIENT,
        startTime: e.startedAt,
        attributes: {
          'http.request.method': e.method,
          'url.full': e.url,
          ...serverAttributes(e.url),
          ...(e.status === null ? {} : { 'http.response.status_code': e.status }),
          ...(e.errorCode ? { 'error.type': e.errorCode } : {}),
          'ferry.registry.side': side,
        },
      },
      context.active(),
    );
    // A status the caller expected (a 404 to an existence check) is an answer, not an error.
    if (e.errorCode) span.setStatus({ code: SpanStatusCode.ERROR, message: e.errorCode });
    span.end(e.startedAt + e.durationMs);
  }
}

function tagAttributes(result: TagResult): Attributes {
  return {
    'ferry.tag': result.tag,
    'ferry.tag_result': result.kind,
    ...(result.kind === 'synced' ? { 'ferry.digest': result.digest, 'ferry.unchanged': result.unchanged, 'ferry.bytes_copied': result.bytesCopied } : {}),
    ...(result.kind === 'failed' ? { 'error.type': result.error.code } : {}),
  };
}
