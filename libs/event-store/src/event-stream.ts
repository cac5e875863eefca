import { JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';

/** The event log's stream as a deployment wants it. */
export interface EventStreamSettings {
  stream: string;
  subjectPrefix: string;
  duplicateWindowMs: number;
  /** 0: 1 for a new stream, an existing one left as it is. */
  replicas: number;
}

/**
 * Creates the stream holding `<prefix>.>`, or brings an existing one to the settings that may
 * change: its replicas (when given) and a duplicate window that is widened, never narrowed.
 */
export async function ensureEventStream(jsm: JetStreamManager, settings: EventStreamSettings): Promise<void> {
  const config = {
    name: settings.stream,
    subjects: [`${settings.subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: settings.duplicateWindowMs * 1_000_000,
    num_replicas: settings.replicas || 1,
  };
  try {
    const info = await jsm.streams.info(settings.stream);
    // FERRY_STREAM_REPLICAS raised (or lowered) on an existing stream: JetStream moves it.
    if (settings.replicas && info.config.num_replicas !== settings.replicas) await jsm.streams.update(settings.stream, { num_replicas: settings.replicas });
    // A stream made with a shorter window (before it was raised): widened, never narrowed.
    if (info.config.duplicate_window < config.duplicate_window) await jsm.streams.update(settings.stream, { duplicate_window: config.duplicate_window });
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    try {
      await jsm.streams.add(config);
    } catch (raced) {
      // Another process created it between our lookup and our add.
      await jsm.streams.info(settings.stream).catch(() => {
        throw raced;
      });
    }
  }
}
