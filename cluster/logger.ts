// Structured JSON logging (pino). One root logger per process; each part of the system takes a
// child named for itself so log lines say where they came from.
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';
import { invalidInput } from './errors.js';

export type Logger = PinoLogger;

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A logger named `name`, at the level in SEDIMENT_LOG_LEVEL (default info), writing JSON lines to stdout. */
export function createLogger(name: string, env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env['SEDIMENT_LOG_LEVEL'] === undefined || env['SEDIMENT_LOG_LEVEL'] === '' ? 'info' : env['SEDIMENT_LOG_LEVEL'];
  if (!(levels as readonly string[]).includes(level)) {
    throw invalidInput('SEDIMENT_LOG_LEVEL', `must be one of ${levels.join(', ')}, got ${JSON.stringify(level)}`);
  }
  return pino({ name, level });
}
