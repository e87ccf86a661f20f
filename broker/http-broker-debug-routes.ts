// A cluster broker's internal diagnostics: how many sub-queries it has sent to each server, so an
// operator (or a test) can check that interval pruning keeps queries away from servers holding
// nothing they need.
import type { FastifyInstance } from 'fastify';
import type { ScatterGather } from './scatter-gather.js';

export const subQueryCountsPath = '/druid-internal/v1/broker/sub-queries';

export function registerBrokerDebugRoutes(app: FastifyInstance, scatterGather: ScatterGather): void {
  app.get(subQueryCountsPath, async () => ({ sentByServer: scatterGather.subQueriesSent() }));
}
