export { syncRepository } from './sync-repository';
export { planRemoval, type RemovalPlan } from './tag-removal';
export { previewRepository, type SyncPreview, type TagPreview } from './sync-preview';
export { checkUpstream, type UpstreamCheck } from './upstream-check';
export { type SyncRequest, type TagResult, type SyncReport, type SyncProgress, type IndexMode } from './sync-request';
export { SyncError } from './sync-error';
export { MemoryLedger, FileLedger, type TargetLedger, type LedgerEntry } from './target-ledger';
export { compilePlatformFilter, parsePlatformSpec } from './platform-filter';
export { BlobCopier, type BlobCopierOptions, type BlobCopierStats, type BlobCopyRecord } from './blob-copier';
export { ImageCopier, type ImageCopierOptions, type ImageCopyResult } from './image-copier';
export { ConcurrencyLimit } from './concurrency-limit';
export { verifiedBlobBytes, type ExpectedBlob } from './digest-verifier';
export { syncRequestForMirror, type MirrorTargetSettings } from './mirror-request';
export {
  DEFAULT_BLOB_CONCURRENCY,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_CHUNKED_THRESHOLD_BYTES,
  DEFAULT_CONNECTIONS_PER_HOST,
  DEFAULT_TAG_CONCURRENCY,
} from './sync-defaults';
