/** Benchmark results: one row per metric, printed as a markdown table and one JSON line. */

export interface Target {
  /** Which number the target applies to. */
  on: 'ours' | 'ratio';
  op: '<=' | '>=' | '==';
  value: number;
}

export interface BenchRow {
  /** Stable key for the JSON line. */
  key: string;
  metric: string;
  ours: number;
  baseline?: number;
  /** Defaults to ours ÷ baseline when both are present. */
  ratio?: number;
  unit?: string;
  target?: Target;
  /** Name of the baseline, for the table. */
  baselineName?: string;
  note?: string;
}

export interface ScoredRow extends BenchRow {
  pass: boolean | undefined;
}

export function score(row: BenchRow): ScoredRow {
  const ratio = row.ratio ?? (row.baseline !== undefined && row.baseline !== 0 ? row.ours / row.baseline : undefined);
  const scored = { ...row, ...(ratio !== undefined && { ratio }) };
  if (!row.target) return { ...scored, pass: undefined };
  const actual = row.target.on === 'ratio' ? ratio : row.ours;
  if (actual === undefined || Number.isNaN(actual)) return { ...scored, pass: false };
  const { op, value } = row.target;
  const pass = op === '<=' ? actual <= value : op === '>=' ? actual >= value : actual === value;
  return { ...scored, pass };
}

function formatNumber(value: number | undefined, unit = ''): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  const digits = Number.isInteger(value) ? 0 : abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })}${unit ? ` ${unit}` : ''}`;
}

function formatTarget(target: Target | undefined): string {
  if (!target) return '–';
  const op = target.op === '<=' ? '≤' : target.op === '>=' ? '≥' : '=';
  return `${target.on === 'ratio' ? 'ratio ' : ''}${op} ${target.value.toLocaleString('en-US')}`;
}

export function markdownTable(rows: readonly ScoredRow[]): string {
  const lines = [
    '| Metric | Ours | Baseline | Ratio | Target | Result |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const row of rows) {
    const baseline = row.baseline === undefined ? '–' : `${formatNumber(row.baseline, row.unit)}${row.baselineName ? ` (${row.baselineName})` : ''}`;
    const result = row.pass === undefined ? 'info' : row.pass ? 'pass' : '**MISS**';
    const ratio = row.ratio === undefined ? '–' : row.ratio.toFixed(row.ratio < 0.01 ? 4 : 3);
    lines.push(`| ${row.metric}${row.note ? ` (${row.note})` : ''} | ${formatNumber(row.ours, row.unit)} | ${baseline} | ${ratio} | ${formatTarget(row.target)} | ${result} |`);
  }
  return lines.join('\n');
}

/** One JSON object: `{ <key>: { ours, baseline, ratio, target, pass } , … }` plus run metadata. */
export function jsonLine(rows: readonly ScoredRow[], meta: Record<string, unknown>): string {
  const metrics: Record<string, unknown> = {};
  for (const row of rows) {
    metrics[row.key] = {
      ours: row.ours,
      ...(row.baseline !== undefined && { baseline: row.baseline }),
      ...(row.ratio !== undefined && { ratio: Number(row.ratio.toFixed(4)) }),
      ...(row.unit !== undefined && { unit: row.unit }),
      ...(row.target && { target: `${row.target.on} ${row.target.op} ${row.target.value}` }),
      ...(row.pass !== undefined && { pass: row.pass }),
    };
  }
  return JSON.stringify({ bench: '@mastra/auth-workos', ...meta, metrics });
}
