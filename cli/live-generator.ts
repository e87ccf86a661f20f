// The quickstart's live feed: synthetic click events with the current time, appended to an
// in-process stream and ingested by an ordinary supervisor through the realtime path (persist,
// publish, handoff), so a new user sees rows arriving without running Kafka.
import { InProcessStream } from '../realtime/stream/in-process-stream.js';
import { IN_PROCESS_SERVERS } from '../realtime/kafka/record-source-factory.js';

export const liveDataSource = 'live_events';
const pages = ['/', '/pricing', '/docs', '/blog', '/signup', '/login', '/products/1', '/products/2', '/products/3', '/about'];
const countries = ['US', 'IN', 'BR', 'DE', 'GB', 'FR', 'JP', 'CA'];
const devices = ['desktop', 'mobile', 'tablet'];

export interface LiveGenerator {
  readonly stream: InProcessStream;
  stop(): void;
}

/** Appends about `eventsPerSecond` events per second (in 100 ms ticks) until stopped. */
export function startLiveGenerator(eventsPerSecond = 50): LiveGenerator {
  const stream = new InProcessStream(liveDataSource, 2, 200_000);
  let sequence = 0;
  const perTick = Math.max(1, Math.round(eventsPerSecond / 10));
  const timer = setInterval(() => {
    for (let index = 0; index < perTick; index++) {
      sequence++;
      const event = {
        timestamp: new Date().toISOString(),
        page: pages[Math.floor(Math.random() * Math.random() * pages.length)],
        country: countries[Math.floor(Math.random() * countries.length)],
        device: devices[Math.floor(Math.random() * devices.length)],
        user_id: `user-${Math.floor(Math.random() * 5_000)}`,
        latency_ms: Math.floor(5 + Math.random() ** 3 * 1_500),
      };
      stream.append(sequence % 2, JSON.stringify(event));
    }
  }, 100);
  timer.unref();
  return { stream, stop: () => clearInterval(timer) };
}

/** The supervisor spec that ingests the live feed. */
export function liveSupervisorSpec(): unknown {
  return {
    type: 'kafka',
    spec: {
      dataSchema: {
        dataSource: liveDataSource,
        timestampSpec: { column: 'timestamp', format: 'iso' },
        dimensionsSpec: { dimensions: ['page', 'country', 'device', 'user_id'] },
        metricsSpec: [
          { type: 'count', name: 'count' },
          { type: 'longSum', name: 'latency_ms', fieldName: 'latency_ms' },
        ],
        granularitySpec: { segmentGranularity: 'hour', queryGranularity: 'none', rollup: false },
      },
      ioConfig: {
        type: 'kafka',
        topic: liveDataSource,
        inputFormat: { type: 'json' },
        consumerProperties: { 'bootstrap.servers': IN_PROCESS_SERVERS },
        taskCount: 1,
        taskDuration: 'PT10M',
        useEarliestOffset: true,
      },
      tuningConfig: { type: 'kafka', maxRowsInMemory: 150_000, intermediatePersistPeriod: 'PT10M' },
    },
  };
}
