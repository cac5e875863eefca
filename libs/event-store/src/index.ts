export { EventStore, type EventStoreOptions, type Causation, type AppendOptions, type SubjectHistory } from './event-store';
export { natsServers, type ConnectionChange } from './nats-connection';
export { type Disposition, type DurableHandler, type DurableMessage, type ConsumeDurableOptions } from './durable-consumer';
export { type KvBucket, type KvBucketOptions } from './kv-bucket';
export { FoldSnapshots, codeFingerprint, type Fold } from './fold-snapshots';
export { extendKeptFold, foldDelivered, handleCommand, keptFold, loadState, type Decider, type CommandResult } from './handle-command';
export { WrongExpectedVersionError, TooMuchContentionError, MalformedEventError } from './errors';
export { currentTraceContext, eventTraceContext, traceIdOf } from './trace-context';
export { encodeEvent, decodeEvent } from './event-codec';
