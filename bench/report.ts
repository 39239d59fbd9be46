/** Printing benchmark results as a table, and the JSON shape written by --json. */

export interface BenchRow {
  program: string;
  tier: string;
  /** Work scale wemu ran at (argv[1]); qemu's full-size run used fullScale. */
  scale: number;
  fullScale: number;
  instructions?: number;
  wemuSeconds?: number;
  wemuMips?: number;
  qemuSeconds?: number;
  /** qemu's MIPS from wemu's instruction count scaled to qemu's run size. */
  qemuMips?: number;
  /** wemu MIPS / qemu MIPS. */
  ratio?: number;
  /** wemu's stdout equals qemu's at the same scale. */
  outputMatches?: boolean;
  note?: string;
}

function cell(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['program', 'tier', 'scale', 'guest insns', 'wemu s', 'wemu MIPS', 'qemu s (same size)', 'qemu MIPS', 'wemu speed / qemu', 'output', 'note'];
  const lines = rows.map((row) => [
    row.program,
    row.tier,
    `${row.scale}/${row.fullScale}`,
    row.instructions === undefined ? '-' : String(row.instructions),
    cell(row.wemuSeconds, 2),
    cell(row.wemuMips, 1),
    cell(row.qemuSeconds, 2),
    cell(row.qemuMips, 1),
    row.ratio === undefined ? '-' : `${(row.ratio * 100).toFixed(1)}% (1/${(1 / row.ratio).toFixed(1)})`,
    row.outputMatches === undefined ? '-' : row.outputMatches ? 'ok' : 'DIFFERS',
    row.note ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (line: string[]) => line.map((text, column) => text.padEnd(widths[column])).join('  ').trimEnd();
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n');
}
