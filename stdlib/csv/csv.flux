package csv


// from reads annotated CSV (Flux's result format: #datatype, #group and #default
// annotations) into a stream of tables, from the csv string or from a file.
// Exactly one of csv and file is given. mode is "annotations" (the default) or "raw":
// plain CSV whose first row names the columns, every column a string, one table with an
// empty group key.
//
//     csv.from(csv: data) |> filter(fn: (r) => r._value > 1.0)
//     csv.from(file: "data.csv", mode: "raw")
builtin from : (?csv: string, ?file: string, ?mode: string) => stream[A] where A: Record
