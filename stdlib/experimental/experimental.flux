package experimental


// group regroups rows. mode "extend" adds `columns` to each table's existing group key
// (the only mode of experimental.group).
builtin group : (<-tables: stream[A], columns: [string], mode: string) => stream[A] where A: Record

// set writes each field of the record `o` into a column of that name in every row
// (replacing an existing column, which may change its type; a group-key column keeps its
// place in the key with the new value).
builtin set : (<-tables: stream[A], o: B) => stream[C] where A: Record, B: Record, C: Record
