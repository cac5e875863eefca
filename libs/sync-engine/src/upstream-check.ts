import type { SyncRequest } from './sync-request';
import { SyncSession } from './sync-session';

/** What the upstream answered a mirror's connection check with. */
export interface UpstreamCheck {
  /** Every tag the upstream lists, in its order. */
  tags: string[];
  /** The tags the request's rule selects from them. */
  selected: string[];
}

/**
 * A mirror's "Test connection": the upstream reached as a run reaches it (the address guard, TLS
 * and proxy settings, the credentials), its tags listed and the rule applied. Only the upstream
 * is asked, with GETs: nothing is written, and the target is not contacted.
 */
export async function checkUpstream(req: SyncRequest): Promise<UpstreamCheck> {
  const session = await SyncSession.open(req);
  try {
    let selected: string[] = [];
    const tags = await session.listUpstream((listed) => void (selected = session.selectTags(listed)));
    return { tags, selected };
  } finally {
    await session.close();
  }
}
