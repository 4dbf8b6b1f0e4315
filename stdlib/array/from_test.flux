package array_test


import "array"
import "csv"
import "testing"

testcase from_rows_of_every_type {
    got =
        array.from(
            rows: [
                {_time: 2030-01-01T00:00:00.000000001Z, f: 1.5, i: -9223372036854775807, s: "x", b: true},
                {_time: 2030-01-01T00:00:01Z, f: -0.25, i: 7, s: "y,z", b: false},
            ],
        )
    want =
        csv.from(
            csv:
                "#datatype,string,long,dateTime:RFC3339,double,long,string,boolean
#group,false,false,false,false,false,false,false
#default,_result,,,,,,
,result,table,_time,f,i,s,b
,,0,2030-01-01T00:00:00.000000001Z,1.5,-9223372036854775807,x,true
,,0,2030-01-01T00:00:01Z,-0.25,7,\"y,z\",false
",
        )

    testing.diff(got: got, want: want)
}

testcase diff_of_equal_arrays_is_empty {
    testing.assertEmpty(tables: array.from(rows: [{a: 1}]) |> testing.diff(want: array.from(rows: [{a: 1}])))
}

testcase from_rejects_mismatched_keys {
    testing.shouldError(fn: () => array.from(rows: [{a: 1}, {b: 2}]), want: /keys/)
}

testcase from_rejects_mixed_types {
    testing.shouldError(fn: () => array.from(rows: [{a: 1}, {a: "x"}]), want: /string value in a column of type int/)
}
