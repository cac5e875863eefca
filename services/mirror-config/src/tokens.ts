/** Injection tokens of mirror-config's own providers. */
export const SECRET_BOX = Symbol('SecretBox');
export const API_PROJECTIONS = Symbol('ApiProjections');
export const SERVICE_CONFIG = Symbol('MirrorConfigServiceConfig');
/** The runs' live progress (a JetStream KV bucket the sync-workers write). */
export const RUN_PROGRESS = Symbol('ProgressBoard');
