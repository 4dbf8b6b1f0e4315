package array


// from builds one table (with an empty group key) from an array of records, one row per
// record. Every record has the same keys, each holding values of one column type
// (bool, int, uint, float, string, time) or null.
//
//     array.from(rows: [{_time: 2030-01-01T00:00:00Z, _value: 1.0}])
builtin from : (rows: [A]) => stream[A] where A: Record
