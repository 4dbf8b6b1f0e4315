// The table engine's public API (see ./README.md for the invariants). Nothing outside
// src/table imports apache-arrow; everything here speaks typed arrays and Flux values.
export type { Column, ColumnMeta, ColumnType, GroupKey, Table, TableStream } from './types.js';
export type { ColumnData } from './column.js';
export {
  ArrowColumn,
  DictionaryBuilder,
  checkValueType,
  columnTypeOfValue,
  concatColumns,
  constantColumn,
  sliceColumn,
  takeColumn,
} from './column.js';
export {
  emptyGroupKey,
  groupKeyId,
  groupKeysEqual,
  inKey,
  keyIndex,
  keyValue,
  makeGroupKey,
  valueId,
} from './group-key.js';
export { ArrowTable, asArrowTable, emptyTable, sliceRows, tableFromColumns, takeRows, withKey } from './table.js';
export { ColumnBuilder, TableBuilder } from './builder.js';
export { asTableStream, collectTables, isTableStream, mapStream, streamOf } from './stream.js';
export type { TableSource } from './stream.js';
export { CsvEncoder, csvField, decodeCell, decodeCsv, encodeCell, encodeCsv } from './csv.js';
export type { CsvResult, DecodeCsvOptions, DecodedCsv } from './csv.js';
export { formatFloat, formatTimeNs, parseRfc3339 } from './values.js';
export { formatTable, formatTables, formatTimeFixed, tableToJson, valueToJson } from './format.js';
export type { FormatTableOptions } from './format.js';
export { diffTables } from './diff.js';
export type { DiffOptions } from './diff.js';
export { checkTestResults } from './test-results.js';
