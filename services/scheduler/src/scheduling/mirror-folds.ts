import { AggregateKind, type StoredEvent } from '@ferry/contracts';
import { extendKeptFold, type EventStore } from '@ferry/event-store';
import { mirrorDecider } from '@ferry/mirror';

/** Subjects whose latest event is remembered, at most (as many as the folds `handleCommand` keeps). */
const MAX_SUBJECTS = 20_000;

/**
 * Keeps this process's folds of mirrors current from the events its projection follows, so that
 * scheduling a mirror again decides on the fold without reading the mirror's subject (a message
 * get for its last sequence and one per event since the last visit: the run's start and end).
 * An event is added to a kept fold only when the fold ends at the subject's previous event, which
 * is known when the same follow of the log (gap-free, in order) passed it; a fold that could not
 * be kept current is read as before when the mirror is next scheduled, and a fold that is stale
 * all the same only costs the append a conflict, after which the subject is read.
 */
export class MirrorFoldFeed {
  private readonly mirrorSubjects: string;
  /** Each subject's latest event in the current follow. */
  private latest = new Map<string, number>();
  private follow = -1;

  constructor(private readonly store: EventStore) {
    this.mirrorSubjects = `${store.prefix}.${AggregateKind.Mirror}.`;
  }

  /** Feeds a batch of the follow numbered `follow` (see `ProjectionRunner.onFollowed`). */
  followed(events: readonly StoredEvent[], follow: number): void {
    if (follow !== this.follow) {
      this.follow = follow;
      this.latest = new Map();
    }
    for (const event of events) {
      if (!event.subject.startsWith(this.mirrorSubjects)) continue;
      extendKeptFold(this.store, event.subject, mirrorDecider, event, this.latest.get(event.subject));
      this.latest.delete(event.subject);
      this.latest.set(event.subject, event.position);
      if (this.latest.size > MAX_SUBJECTS) this.latest.delete(this.latest.keys().next().value!);
    }
  }
}
