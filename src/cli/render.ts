// Printing the results of a run: `promflux run`, `scrape`, `task run` and the REPL all print
// through here, so every command shows results the same way.
//
// - table (default): per result `Result: <name>`, then each table in the text format of
//   src/table/format.ts (`Table: keys: [...]`, `name:type` headers, aligned cells, group-key
//   columns first); a scalar result is printed in Flux syntax (`displayValue`), preceded by
//   its name when it has one. The header is written with the first table (or "(no
//   tables)"), so a stream that fails before its first table prints nothing of its own.
// - csv: annotated CSV exactly as Flux writes it (src/table/csv.ts), including the error table
//   when a stream fails after output began; scalars are printed in Flux syntax on their own line.
// - json: one JSON document `[{"result": name, "tables": [...]}, {"result": name, "value": v}]`;
//   when a stream fails, its entry ends with `"error": {"id", "message"}` and the document closes.
import { CsvEncoder, formatTable, isTableStream, tableToJson, valueToJson } from '../table/index.js';
import type { Table } from '../table/index.js';
import { displayValue } from '../values/display.js';
import type { Value } from '../values/value.js';
import { toFluxError } from '../errors/index.js';
import type { FluxError } from '../errors/index.js';

export type ResultFormat = 'table' | 'csv' | 'json';

export interface RenderOptions {
  readonly format: ResultFormat;
  /**
   * Table format: cut cells longer than this many characters (ending them with `…`), for
   * example the terminal's width. Omitted (or 0): every cell is shown whole.
   */
  readonly width?: number;
  /** ANSI colour in the table format. */
  readonly color?: boolean;
}

export interface NamedResult {
  readonly name: string;
  readonly value: Value;
}

const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

function colourTable(text: string): string {
  const lines = text.split('\n');
  return lines
    .map((l, i) => {
      if (i === 0 || l.startsWith('(empty table')) return `${DIM}${l}${RESET}`;
      if (i === 1 || (i === 2 && lines[1]!.startsWith('(empty table'))) return `${BOLD}${l}${RESET}`;
      if (/^-[- ]*$/.test(l)) return `${DIM}${l}${RESET}`;
      return l;
    })
    .join('\n');
}

/**
 * Write the results to `out` as they are read (streams are read once, here). When a stream
 * fails, the CSV format writes Flux's error table first; the error is then rethrown.
 */
export async function writeResults(results: readonly NamedResult[], options: RenderOptions, out: (chunk: string) => void): Promise<void> {
  switch (options.format) {
    case 'csv': {
      const enc = new CsvEncoder(out);
      for (const r of results) {
        if (isTableStream(r.value)) {
          try {
            await enc.writeResult(r.name, r.value);
          } catch (e) {
            const err = toFluxError(e);
            enc.writeError(err.message);
            throw err;
          }
        } else {
          out(`${displayValue(r.value)}\r\n`);
        }
      }
      return;
    }
    case 'json': {
      out('[');
      let first = true;
      for (const r of results) {
        out(first ? '' : ',');
        first = false;
        if (isTableStream(r.value)) {
          out(`{"result":${JSON.stringify(r.name)},"tables":[`);
          let firstTable = true;
          try {
            for await (const t of r.value) {
              out((firstTable ? '' : ',') + tableToJson(t));
              firstTable = false;
            }
          } catch (e) {
            // As CSV ends with Flux's error table, the document ends with the error of the
            // failing result: stdout stays one valid JSON document. Then rethrow.
            const err = toFluxError(e);
            out(`],"error":${JSON.stringify({ id: err.id, message: err.message })}}]\n`);
            throw err;
          }
          out(']}');
        } else {
          out(`{"result":${JSON.stringify(r.name)},"value":${valueToJson(r.value)}}`);
        }
      }
      out(']\n');
      return;
    }
    case 'table': {
      const width = options.width;
      const fmt = width === undefined || width <= 0 ? { wide: true } : { maxCellWidth: Math.max(4, width) };
      // A result's header (and the blank line before it) is written with its first table, or
      // with "(no tables)" when the stream ends empty: a stream that fails before its first
      // table leaves nothing of its result behind, only the error the caller prints.
      let first = true;
      for (const r of results) {
        const sep = first ? '' : '\n';
        if (isTableStream(r.value)) {
          const header = `${sep}Result: ${r.name}\n`;
          let n = 0;
          for await (const t of r.value as AsyncIterable<Table>) {
            const text = formatTable(t, fmt);
            out((n === 0 ? header : '\n') + (options.color ? colourTable(text) : text));
            n++;
          }
          if (n === 0) out(`${header}(no tables)\n`);
        } else {
          out(sep + (r.name === '' ? `${displayValue(r.value)}\n` : `${r.name}: ${displayValue(r.value)}\n`));
        }
        first = false;
      }
      return;
    }
  }
}

/** The results as one string (see `writeResults`; prefer it for large outputs). */
export async function renderResults(results: readonly NamedResult[], options: RenderOptions): Promise<string> {
  const parts: string[] = [];
  await writeResults(results, options, (s) => parts.push(s));
  return parts.join('');
}

/**
 * Like `renderResults`, but a failing stream does not lose what was rendered: the output so
 * far (in CSV, ending with Flux's error table) comes back together with the error, so a
 * command can print both and exit 1.
 */
export async function renderResultsSettled(results: readonly NamedResult[], options: RenderOptions): Promise<{ output: string; error?: FluxError }> {
  const parts: string[] = [];
  try {
    await writeResults(results, options, (s) => parts.push(s));
    return { output: parts.join('') };
  } catch (e) {
    return { output: parts.join(''), error: toFluxError(e) };
  }
}
