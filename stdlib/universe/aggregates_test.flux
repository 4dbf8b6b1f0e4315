package universe_test


import "csv"
import "testing"

// Table a: floats with a null; table b: one value; table c: empty.
adata =
    "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:00Z,4,a
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:10Z,,a
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:20Z,1,a
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:30Z,7,a
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:40Z,4,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:00Z,2.5,b

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,,c
,result,table,_start,_stop,_time,_value,host
"

idata =
    "#datatype,string,long,long,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,5,a
,,0,-2,a
,,0,10,a
,,1,3,b
,,1,3,b
,,1,1,b
"

aggOut = (rows) =>
    "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,true
#default,_result,,,,,
,result,table,_start,_stop,_value,host
" + rows

testcase mean_sum_spread {
    wantMean =
        aggOut(
            rows: ",,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,4,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2.5,b
,,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,c
",
        )
    wantSum =
        aggOut(
            rows: ",,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,16,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2.5,b
,,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,c
",
        )
    wantSpread =
        aggOut(
            rows: ",,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,6,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,0,b
,,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,c
",
        )

    testing.diff(got: csv.from(csv: adata) |> mean(), want: csv.from(csv: wantMean)) |> yield(name: "mean")
    testing.diff(got: csv.from(csv: adata) |> sum(), want: csv.from(csv: wantSum)) |> yield(name: "sum")
    testing.diff(got: csv.from(csv: adata) |> spread(), want: csv.from(csv: wantSpread))
}

testcase count_counts_non_null {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,long,string
#group,false,false,true,true,false,true
#default,_result,,,,,
,result,table,_start,_stop,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,4,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,1,b
,,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,0,c
"

    testing.diff(got: csv.from(csv: adata) |> count(), want: csv.from(csv: want))
}

testcase int_aggregates_keep_type {
    wantSum =
        "#datatype,string,long,long,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,13,a
,,1,7,b
"
    wantMean =
        "#datatype,string,long,double,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,4.333333333333333,a
,,1,2.3333333333333335,b
"
    wantSpread =
        "#datatype,string,long,long,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,12,a
,,1,2,b
"

    testing.diff(got: csv.from(csv: idata) |> sum(), want: csv.from(csv: wantSum)) |> yield(name: "sum")
    testing.diff(got: csv.from(csv: idata) |> mean(), want: csv.from(csv: wantMean)) |> yield(name: "mean")
    testing.diff(got: csv.from(csv: idata) |> spread(), want: csv.from(csv: wantSpread))
}

testcase stddev_sample_and_population {
    wantSample =
        "#datatype,string,long,double,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,6.027713773341708,a
,,1,1.1547005383792515,b
"
    wantPop =
        "#datatype,string,long,double,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,4.921607686744467,a
,,1,0.9428090415820634,b
"

    testing.diff(got: csv.from(csv: idata) |> stddev(), want: csv.from(csv: wantSample)) |> yield(name: "sample")
    testing.diff(got: csv.from(csv: idata) |> stddev(mode: "population"), want: csv.from(csv: wantPop))
}

testcase median_and_quantile {
    wantMedian =
        aggOut(
            rows: ",,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,4,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2.5,b
,,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,c
",
        )
    wantQ =
        aggOut(
            rows: ",,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,3.25,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2.5,b
,,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,c
",
        )

    testing.diff(got: csv.from(csv: adata) |> median(), want: csv.from(csv: wantMedian)) |> yield(name: "median")
    testing.diff(got: csv.from(csv: adata) |> quantile(q: 0.25, method: "exact_mean"), want: csv.from(csv: wantQ))
}

testcase quantile_exact_selector_returns_row {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:30Z,7,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:00Z,2.5,b

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,,c
,result,table,_start,_stop,_time,_value,host
"

    testing.diff(got: csv.from(csv: adata) |> quantile(q: 0.9, method: "exact_selector"), want: csv.from(csv: want))
}

testcase quantile_bad_q_is_error {
    testing.shouldError(fn: () => csv.from(csv: adata) |> quantile(q: 1.5), want: /between 0 and 1/)
}

// Table a has no mode (every value occurs once): null, as in the Flux docs' example;
// table b's mode is 3.
testcase mode_all_modes {
    want =
        "#datatype,string,long,long,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,,a
,,1,3,b
"

    testing.diff(got: csv.from(csv: idata) |> mode(), want: csv.from(csv: want))
}

// Trapezoids over seconds, skipping the null row: (4+1)/2*20 + (1+7)/2*10 + (7+4)/2*10.
// Several modes come out sorted; mode(column:) writes the result to _value.
testcase mode_several_sorted_in_value {
    input =
        "#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,,,
,result,table,host,n
,,0,a,9
,,0,a,2
,,0,a,9
,,0,a,-4
,,0,a,2
"
    want =
        "#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,2
,,0,a,9
"

    testing.diff(got: csv.from(csv: input) |> mode(column: "n"), want: csv.from(csv: want))
}

testcase integral_seconds_and_minutes {
    want =
        aggOut(
            rows: ",,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,145,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,0,b
,,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,0,c
",
        )
    wantMin =
        aggOut(
            rows: ",,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2.4166666666666665,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,0,b
,,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,0,c
",
        )

    testing.diff(got: csv.from(csv: adata) |> integral(), want: csv.from(csv: want)) |> yield(name: "s")
    testing.diff(got: csv.from(csv: adata) |> integral(unit: 1m), want: csv.from(csv: wantMin))
}

testcase aggregate_missing_column {
    testing.shouldError(fn: () => csv.from(csv: adata) |> mean(column: "nope"), want: /does not exist/)
}

testcase aggregate_unsupported_type {
    strs =
        "#datatype,string,long,string
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,x
"

    testing.shouldError(fn: () => csv.from(csv: strs) |> sum(), want: /type string/)
}

testcase selectors_first_last_min_max {
    wantFirst =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:00Z,4,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:00Z,2.5,b

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,,c
,result,table,_start,_stop,_time,_value,host
"
    wantLast =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:40Z,4,a
,,1,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,2021-01-01T00:00:00Z,2.5,b

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,2,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,,,c
,result,table,_start,_stop,_time,_value,host
"
    wantMin =
        "#datatype,string,long,long,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,-2,a
,,1,1,b
"
    wantMax =
        "#datatype,string,long,long,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,10,a
,,1,3,b
"

    testing.diff(got: csv.from(csv: adata) |> first(), want: csv.from(csv: wantFirst)) |> yield(name: "first")
    testing.diff(got: csv.from(csv: adata) |> last(), want: csv.from(csv: wantLast)) |> yield(name: "last")
    testing.diff(got: csv.from(csv: idata) |> min(), want: csv.from(csv: wantMin)) |> yield(name: "min")
    testing.diff(got: csv.from(csv: idata) |> max(), want: csv.from(csv: wantMax))
}

// The first of equal maxima is selected (row with _time 00:00:00 of two 4s in table a is
// not the max; 7 is).
testcase max_ties_pick_first {
    ties =
        "#datatype,string,long,long,string
#group,false,false,false,false
#default,_result,,,
,result,table,_value,tag
,,0,3,first
,,0,3,second
,,0,1,third
"
    want =
        "#datatype,string,long,long,string
#group,false,false,false,false
#default,_result,,,
,result,table,_value,tag
,,0,3,first
"

    testing.diff(got: csv.from(csv: ties) |> max(), want: csv.from(csv: want))
}
