// A duty's schedule: run every periodMs until stopped, never two runs at once (a run requested while
// one is in progress starts after it), and a timer that does not keep the process alive.
export class PeriodicRun<Result> {
  private timer: NodeJS.Timeout | null = null;
  private lastRun: Promise<Result>;

  /** `run` must not reject: duties log their own failures. */
  constructor(
    private readonly periodMs: number,
    private readonly run: () => Promise<Result>,
    initial: Result,
  ) {
    this.lastRun = Promise.resolve(initial);
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.runOnce(), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One run after any in progress. */
  runOnce(): Promise<Result> {
    const next = this.lastRun.then(() => this.run());
    this.lastRun = next;
    return next;
  }
}
