// The stream no longer holds the offsets a task must read (retention deleted them, or the topic was
// recreated). Skipping ahead would lose rows silently, so the task stops until a supervisor reset.
import { SedimentError } from '../../cluster/errors.js';

export class OffsetsUnavailableError extends SedimentError {
  constructor(message: string) {
    super('conflict', `${message}; reset the supervisor (POST /druid/indexer/v1/supervisor/{id}/reset) to continue from the stream's current offsets`);
    this.name = 'OffsetsUnavailableError';
  }
}
