// Renders a BenchReport as Markdown: per suite the query table, the loading/storage/memory/cold-start
// comparison, the targets, and every disagreement between the systems spelled out.
import type { BenchReport, ProfileEntry, QueryResult, SuiteResult, TargetResult } from './bench-report.js';

const mebibyte = 1024 * 1024;

function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return value < 10 ? value.toFixed(2) : value < 1000 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

function ratio(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(2);
}

function count(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : Math.round(value).toLocaleString('en-US');
}

function mebibytes(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value / mebibyte).toFixed(1)} MiB`;
}

function verdict(pass: boolean | null): string {
  return pass === null ? 'n/a' : pass ? 'pass' : '**FAIL**';
}

function queryRow(query: QueryResult): string {
  const underTwo = query.ratio === null ? null : query.ratio <= 2.0;
  const answers = query.match ? 'match' : query.sedimentMedianMs === null || query.duckDbMedianMs === null ? '**error**' : '**MISMATCH**';
  return `| ${query.name} | ${milliseconds(query.sedimentMedianMs)} | ${milliseconds(query.duckDbMedianMs)} | ${ratio(query.ratio)} | ${verdict(underTwo)} | ${answers} |`;
}

function queryTable(suite: SuiteResult): string[] {
  return [
    '| query | Sediment ms | DuckDB ms | Sediment/DuckDB | ≤ 2.0 | answers |',
    '|---|---:|---:|---:|:-:|:-:|',
    ...suite.queries.map(queryRow),
    `| **geometric mean** | | | **${ratio(suite.geometricMeanRatio)}** | | |`,
  ];
}

function systemsTable(suite: SuiteResult): string[] {
  const sediment = suite.sedimentIngestion;
  const duckDb = suite.duckDbLoad;
  const rows: [string, string, string][] = [
    ['rows loaded', count(sediment?.rowsProcessed), count(duckDb?.rows)],
    ['load wall time ms (to published / to checkpointed)', milliseconds(sediment?.wallMs), milliseconds(duckDb?.wallMs)],
    ['load rows/s', count(sediment?.rowsPerSecond), count(duckDb?.rowsPerSecond)],
    ['load rows/s per core', count(sediment?.rowsPerSecondPerCore), count(duckDb?.rowsPerSecondPerCore)],
    ['bytes on disk', `${mebibytes(sediment?.segmentBytes)} (${count(sediment?.segments)} segment files)`, `${mebibytes(duckDb?.databaseBytes)} (database file)`],
    ['peak RSS while loading', mebibytes(suite.sedimentMemory.loadPeakBytes), mebibytes(suite.duckDbMemory.loadPeakBytes)],
    ['peak RSS while querying', mebibytes(suite.sedimentMemory.queryPeakBytes), mebibytes(suite.duckDbMemory.queryPeakBytes)],
    ['cold start: process start → ready, ms', milliseconds(suite.sedimentColdStart?.readyMs), milliseconds(suite.duckDbColdStart?.readyMs)],
    [`cold start: first query (${suite.coldStartQuery}), ms`, milliseconds(suite.sedimentColdStart?.firstQueryMs), milliseconds(suite.duckDbColdStart?.firstQueryMs)],
  ];
  return ['| | Sediment | DuckDB |', '|---|---:|---:|', ...rows.map(([label, left, right]) => `| ${label} | ${left} | ${right} |`)];
}

function rollupLines(suite: SuiteResult): string[] {
  const rollup = suite.sedimentRollupIngestion;
  if (rollup === null) return [];
  return [
    '',
    `Rollup variant (\`${rollup.dataSource}\`, queryGranularity minute): ${count(rollup.rowsProcessed)} rows in → ${count(rollup.storedRows)} stored, ` +
      `${count(rollup.rowsPerSecond)} rows/s (${count(rollup.rowsPerSecondPerCore)} per core), ${mebibytes(rollup.segmentBytes)} in ${rollup.segments} segment file(s).`,
  ];
}

function targetTable(targets: readonly TargetResult[]): string[] {
  return [
    '| target | measured | threshold | result |',
    '|---|---:|---:|:-:|',
    ...targets.map((target) => `| ${target.name} | ${target.value === null ? '—' : target.value >= 1000 ? count(target.value) : target.value.toFixed(3)} | ${target.threshold} | ${verdict(target.pass)} |`),
  ];
}

function problemLines(suite: SuiteResult): string[] {
  const problems = suite.queries.filter((query) => !query.match).map((query) => `- **${query.name}**: ${query.problem}`);
  const errors = suite.errors.map((error) => `- ${error}`);
  if (problems.length === 0 && errors.length === 0) return ['', 'Both systems gave the same answer to every query.'];
  return ['', '### Disagreements and failures', '', ...problems, ...errors];
}

function profileTable(title: string, entries: readonly ProfileEntry[] | null): string[] {
  if (entries === null) return [];
  return [
    '',
    `### Sediment CPU profile: ${title} (self time, top ${entries.length})`,
    '',
    '| function | location | self ms | % |',
    '|---|---|---:|---:|',
    ...entries.map((entry) => `| ${entry.functionName} | ${entry.location} | ${entry.selfMs.toFixed(0)} | ${entry.selfPercent.toFixed(1)} |`),
  ];
}

function suiteSection(suite: SuiteResult): string[] {
  return [
    `## ${suite.suite}: ${count(suite.dataset.rows)} rows (${suite.dataset.parameters}; file ${mebibytes(suite.dataset.fileBytes)})`,
    '',
    ...queryTable(suite),
    '',
    ...systemsTable(suite),
    ...rollupLines(suite),
    '',
    ...targetTable(suite.targets),
    ...problemLines(suite),
    ...profileTable('ingestion', suite.sedimentProfiles?.ingestion ?? null),
    ...profileTable('queries', suite.sedimentProfiles?.queries ?? null),
    '',
  ];
}

function caveats(report: BenchReport): string[] {
  const lines: string[] = [];
  if (report.options['profile'] === true) lines.push('', '**Sediment ran under `--cpu-prof`; its times include the profiler\'s overhead.**');
  const runs = report.options['runs'];
  if (typeof runs === 'number' && runs < 5) lines.push('', `**Only ${runs} hot run(s) per query: too few for published numbers (use at least 5).**`);
  return lines;
}

export function markdownReport(report: BenchReport): string {
  const { machine } = report;
  return [
    `# Sediment vs DuckDB, ${report.startedAt}`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB RAM, ${machine.os}; ` +
      `Node ${machine.nodeVersion}; DuckDB ${machine.duckDbVersion}.`,
    '',
    `Options: ${Object.entries(report.options).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ')}.`,
    '',
    'Each system runs in its own child process. Times are medians of the hot runs (alternating between the systems) after one warm-up run whose answers are compared. ' +
      'Sediment is timed at the client (HTTP POST /druid/v2 plus JSON parse); DuckDB inside its process (query plus materializing rows as JS objects). ' +
      'Peak RSS is VmHWM from /proc, reset between loading and querying. Cold start restarts the process on the same files (the OS page cache stays warm). Each load starts right after the input file was read through once, so both systems read it from the OS page cache.',
    ...caveats(report),
    '',
    ...report.suites.flatMap(suiteSection),
  ].join('\n');
}
