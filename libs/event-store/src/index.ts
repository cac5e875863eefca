export {
  EventStore,
  natsServers,
  type EventStoreOptions,
  type ConnectionChange,
  type Causation,
  type AppendOptions,
  type SubjectHistory,
  type Disposition,
} from './event-store';
export { handleCommand, loadState, type Decider, type CommandResult } from './handle-command';
export { WrongExpectedVersionError, TooMuchContentionError, MalformedEventError } from './errors';
export { currentTraceContext, eventTraceContext, traceIdOf } from './trace-context';
export { encodeEvent, decodeEvent } from './event-codec';
