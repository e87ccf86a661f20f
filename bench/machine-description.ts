// The machine a report was measured on.
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';
import type { MachineDescription } from './bench-report.js';

export function describeMachine(duckDbVersion: string): MachineDescription {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    nodeVersion: process.version,
    duckDbVersion,
  };
}
