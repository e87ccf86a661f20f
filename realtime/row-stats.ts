// Row counters and the bounded list of parse-exception messages of one ingestion run. Past
// maxParseExceptions (unparseable plus partly unparseable rows) the run fails.
import { invalidInput } from '../cluster/errors.js';

/** At least this many messages are kept even when maxSavedParseExceptions is 0. */
export const PARSE_EXCEPTIONS_LOGGED_MIN = 10;

export interface RowStatsSnapshot {
  processed: number;
  processedBytes: number;
  processedWithError: number;
  unparseable: number;
  thrownAway: number;
}

export class RowStats {
  readonly counts: RowStatsSnapshot = { processed: 0, processedBytes: 0, processedWithError: 0, unparseable: 0, thrownAway: 0 };
  readonly messages: string[] = [];
  private readonly messagesMax: number;

  constructor(private readonly maxParseExceptions: number, maxSavedParseExceptions: number) {
    this.messagesMax = Math.max(maxSavedParseExceptions, PARSE_EXCEPTIONS_LOGGED_MIN);
  }

  processed(): void {
    this.counts.processed++;
  }

  thrownAway(): void {
    this.counts.thrownAway++;
  }

  /** A row that could not be ingested at all. Throws once the exception budget is exceeded. */
  unparseable(location: string, message: string): void {
    this.counts.unparseable++;
    this.record(location, message);
  }

  /** A row ingested with some values nulled because they could not be read. */
  processedWithError(location: string, message: string): void {
    this.counts.processedWithError++;
    this.record(location, message);
  }

  private record(location: string, message: string): void {
    if (this.messages.length < this.messagesMax) this.messages.push(`${message} (${location})`);
    const exceptions = this.counts.unparseable + this.counts.processedWithError;
    if (exceptions > this.maxParseExceptions) {
      throw invalidInput(
        'spec.tuningConfig.maxParseExceptions',
        `exceeded: ${exceptions} rows had parse exceptions, more than the ${this.maxParseExceptions} allowed; last: ${message} (${location})`,
      );
    }
  }
}
