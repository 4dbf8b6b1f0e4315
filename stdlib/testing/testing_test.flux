package testing_test


import "array"
import "csv"
import "testing"

two =
    "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,1
,,1,b,2
"

// The same tables in the other order, one value off by less than 1e-6.
twoReordered =
    "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,b,2.0000001
,,1,a,1
"

testcase diff_matches_tables_by_group_key {
    testing.diff(got: csv.from(csv: twoReordered), want: csv.from(csv: two))
}

testcase diff_nan_equals_nan {
    nan =
        "#datatype,string,long,double
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,NaN
,,0,+Inf
"

    testing.diff(got: csv.from(csv: nan), want: csv.from(csv: nan))
}

testcase diff_shows_differing_rows {
    other =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,1
,,1,b,3
"
    want =
        "#datatype,string,long,string,string,double
#group,false,false,false,true,false
#default,_result,,,,
,result,table,_diff,host,_value
,,0,-,b,2
,,0,+,b,3
"

    // The diff output is compared with the expected diff rows; assertEmpty fails the
    // testcase (with the rows) if the outer comparison finds a difference.
    got =
        testing.diff(got: csv.from(csv: other), want: csv.from(csv: two))
            |> testing.diff(want: csv.from(csv: want))

    testing.assertEmpty(tables: got)
}

testcase assert_equals_passes_equal_streams {
    testing.assertEquals(name: "same", got: csv.from(csv: two), want: csv.from(csv: twoReordered))
        |> testing.diff(want: csv.from(csv: two))
}

testcase assert_equals_fails_on_difference {
    testing.shouldError(
        fn: () => testing.assertEquals(name: "differ", got: csv.from(csv: two), want: array.from(rows: [{x: 1}])),
        want: /test differ: unequal streams/,
    )
}

testcase assert_empty_fails_on_rows {
    testing.shouldError(fn: () => testing.assertEmpty(tables: csv.from(csv: two)), want: /found 2 rows/)
}

testcase should_error_fails_without_error {
    testing.shouldError(
        fn: () => testing.shouldError(fn: () => csv.from(csv: two), want: /x/),
        want: /expected an error matching/,
    )
}

testcase load_storage_adds_start_and_stop {
    input =
        "#datatype,string,long,dateTime:RFC3339,string,string,double
#group,false,false,false,true,true,false
#default,_result,,,,,
,result,table,_time,_measurement,_field,_value
,,0,2030-01-01T00:00:00Z,m,f,1
"
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,string,string,double
#group,false,false,true,true,false,true,true,false
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_measurement,_field,_value
,,0,1800-01-01T00:00:00Z,2200-12-31T11:59:59Z,2030-01-01T00:00:00Z,m,f,1
"

    testing.diff(got: testing.loadStorage(csv: input), want: csv.from(csv: want))
}

testcase load_mem_reads_csv {
    testing.diff(got: testing.loadMem(csv: two), want: csv.from(csv: two))
}

testcase load_option_can_be_replaced {
    option testing.load = (tables=<-) => tables |> filter(fn: (r) => r.host == "a")

    onlyA =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,1
"

    testing.diff(got: csv.from(csv: two) |> testing.load(), want: csv.from(csv: onlyA))
}

testcase load_is_the_identity_by_default {
    testing.diff(got: csv.from(csv: two) |> testing.load(), want: csv.from(csv: two))
}
