// Handoff: a realtime task keeps serving a published segment until a historical serves it, then
// drops its copy inside the very announcement that made the historical's copy visible, so no query
// ever sees both copies or neither.

export interface HandoffWatcher {
  /**
   * Calls `onServed` once a historical serves `segmentId`: synchronously now if one already does,
   * else synchronously within the announcement. Returns a function that cancels the wait.
   */
  whenServed(segmentId: string, onServed: () => void): () => void;
}

/** What a handoff watcher needs from the historical side: served ids and 'added' announcements. */
export interface ServedSegmentAnnouncements {
  isServed(segmentId: string): boolean;
  onAdded(listener: (segmentId: string) => void): void;
}

/** A watcher over in-process announcements: one listener, waits keyed by segment id. */
export class AnnouncementHandoffWatcher implements HandoffWatcher {
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly served: ServedSegmentAnnouncements) {
    served.onAdded((segmentId) => this.notify(segmentId));
  }

  whenServed(segmentId: string, onServed: () => void): () => void {
    if (this.served.isServed(segmentId)) {
      onServed();
      return () => undefined;
    }
    let callbacks = this.waiting.get(segmentId);
    if (callbacks === undefined) {
      callbacks = new Set();
      this.waiting.set(segmentId, callbacks);
    }
    callbacks.add(onServed);
    return () => {
      callbacks.delete(onServed);
      if (callbacks.size === 0 && this.waiting.get(segmentId) === callbacks) this.waiting.delete(segmentId);
    };
  }

  private notify(segmentId: string): void {
    const callbacks = this.waiting.get(segmentId);
    if (callbacks === undefined) return;
    this.waiting.delete(segmentId);
    for (const callback of callbacks) callback();
  }
}
