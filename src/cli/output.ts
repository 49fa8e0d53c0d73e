/**
 * How commands print results: tables for people on a terminal, JSON for scripts. Colour comes from
 * colors.ts (off with NO_COLOR or when stdout is not a terminal).
 */
import Table from 'cli-table3';
import { stdoutColor } from './colors.js';

export interface Column<R> {
  header: string;
  value: (row: R) => string | number | bigint | boolean | null | undefined;
  align?: 'left' | 'right';
}

/** A borderless table in the style of kafka-topics / rpk output: a bold header row, two spaces between columns. */
export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const table = new Table({
    head: columns.map((c) => stdoutColor.bold(c.header)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: columns.map((c) => c.align ?? 'left'),
  });
  for (const row of rows) table.push(columns.map((c) => display(c.value(row))));
  return table.toString().split('\n').map((l) => l.trimEnd()).join('\n');
}

function display(v: string | number | bigint | boolean | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return String(v);
}

/** JSON with bigints as numbers when they fit exactly, as strings otherwise (offsets past 2^53 stay exact). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'bigint' ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v),
    indent,
  );
}

/** Writes to stdout, waiting when the pipe is full (a large `--json` must not pile up in memory). */
export function writeOut(text: string): Promise<void> | void {
  if (!process.stdout.write(text)) return new Promise((resolve) => process.stdout.once('drain', resolve));
}
