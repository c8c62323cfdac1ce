/** One line of the bench table: an Eventfold figure next to its baseline measured in the same run. */
export interface BenchRow {
  readonly group: string;
  readonly name: string;
  /** Eventfold's rate (operations per second; higher is better). */
  readonly rate: number;
  readonly unit: string;
  /** The baseline's rate in the same unit, measured in the same run. */
  readonly baselineRate?: number;
  readonly baseline?: string;
  /** Target ratio rate/baselineRate, printed for comparison. */
  readonly target?: number;
  /** Extra facts: latency percentiles, correctness counts. */
  readonly note?: string;
}

/** A bench module: `bench/<name>.bench.ts` exporting `run` as default. */
export type BenchModule = { readonly default: () => Promise<readonly BenchRow[]> };

const format = (value: number): string =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);

export const printTable = (rows: readonly BenchRow[]): void => {
  const header = ['group', 'workload', 'eventfold', 'baseline', 'baseline rate', 'ratio', 'target', 'note'];
  const lines = rows.map((row) => {
    const ratio = row.baselineRate ? row.rate / row.baselineRate : undefined;
    return [
      row.group,
      row.name,
      `${format(row.rate)} ${row.unit}`,
      row.baseline ?? '',
      row.baselineRate === undefined ? '' : `${format(row.baselineRate)} ${row.unit}`,
      ratio === undefined ? '' : `${(ratio * 100).toFixed(0)}%`,
      row.target === undefined
        ? ''
        : `≥ ${(row.target * 100).toFixed(0)}%${ratio !== undefined && ratio < row.target ? ' MISSED' : ''}`,
      row.note ?? '',
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(render(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of lines) console.log(render(line));
};

/** Runs `operation` `count` times (awaiting each) and returns operations per second. */
export const measure = async (count: number, operation: (index: number) => unknown): Promise<number> => {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) await operation(index);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
};
