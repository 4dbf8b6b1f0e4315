// The error of a write that met a field type conflict: a partial write, as InfluxDB does it.
//
// InfluxDB (1.x since 1.2, influxdata/influxdb#7836; 2.x, "Troubleshoot rejected points" in
// the InfluxDB OSS v2 docs) writes every point of a batch that it can and drops only the
// points whose field type conflicts, then answers an error naming the first conflict and the
// number of points dropped (1.x: `partial write: field type conflict: input field "f" on
// measurement "m" is type float, already exists as type string dropped=1`). A conflict can be
// with data already in the bucket or with an earlier point of the same batch: the first type
// a field gets wins and later points of another type are dropped (1.x tsdb/field_validator.go
// creates the field while validating each point in order).
//
// The embedded store keeps one type per series (measurement + tags + field), so it drops the
// conflicting series of a write and writes the others.
import { FluxError } from '../errors/index.js';
import type { FieldType } from './types.js';

/** The first conflicting series of a write. */
export interface FieldTypeConflict {
  readonly bucket: string;
  readonly measurement: string;
  readonly field: string;
  /** Tags of the series, sorted by key. */
  readonly tags: readonly (readonly [string, string])[];
  /** The type the series has: stored in the bucket, or given by an earlier point of the write. */
  readonly stored: FieldType;
  /** The type of the dropped values. */
  readonly offered: FieldType;
  /** True when `stored` comes from an earlier point of the same write, not from the bucket. */
  readonly inWrite: boolean;
}

function tagText(tags: readonly (readonly [string, string])[]): string {
  if (tags.length === 0) return '';
  const text = tags.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return ` (tags ${text.length > 200 ? text.slice(0, 200) + '...' : text})`;
}

/**
 * `store.fieldTypeConflict`: the write dropped `dropped` points whose field type conflicts
 * and wrote the other `written` points (counted before the retention rule, which drops
 * points older than the bucket keeps, as for any write).
 */
export class FieldTypeConflictError extends FluxError {
  constructor(
    readonly conflict: FieldTypeConflict,
    readonly dropped: number,
    readonly written: number,
  ) {
    const c = conflict;
    const what = c.inWrite
      ? `field "${c.field}" of measurement "${c.measurement}"${tagText(c.tags)} has both ${c.stored} and ${c.offered} values in one write to bucket "${c.bucket}"; its first type, ${c.stored}, is kept`
      : `field "${c.field}" of measurement "${c.measurement}"${tagText(c.tags)} is ${c.stored} in bucket "${c.bucket}"; cannot write ${c.offered} values`;
    const rest = written > 0 ? 'the other points were written' : 'no other points were written';
    super(
      'invalid',
      'store.fieldTypeConflict',
      `partial write: field type conflict: ${what}; dropped ${dropped} ${dropped === 1 ? 'point' : 'points'} with a conflicting type, ${rest}`,
    );
  }
}
