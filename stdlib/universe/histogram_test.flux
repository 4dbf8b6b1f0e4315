package universe_test


import "csv"
import "testing"

// Two histograms (hosts a and b) as scraped: le as a float, cumulative counts, +Inf last.
hdata =
    "#datatype,string,long,double,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,le,_value,host
,,0,0.1,10,a
,,0,0.5,30,a
,,0,1,40,a
,,0,+Inf,40,a
,,1,1,0,b
,,1,2,100,b
,,1,+Inf,100,b
"

// a: rank 0.5*40 = 20 falls in (0.1, 0.5] with counts 10..30: 0.1 + 0.4 * (10/20) = 0.3.
// b: rank 50 in (1, 2] with counts 0..100: 1.5.
testcase histogram_quantile_median {
    want =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,0.3
,,1,b,1.5
"

    testing.diff(got: csv.from(csv: hdata) |> histogramQuantile(quantile: 0.5), want: csv.from(csv: want))
}

// q=0.99 for a: rank 39.6 in (0.5, 1] counts 30..40 -> 0.5 + 0.5 * 0.96 = 0.98; the lowest
// bucket interpolates from minValue; a rank beyond the last finite bucket gives its bound.
testcase histogram_quantile_edges {
    inf =
        "#datatype,string,long,double,double
#group,false,false,false,false
#default,_result,,,
,result,table,le,_value
,,0,1,5
,,0,+Inf,10
"
    want =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,0.98
,,1,b,1.99
"
    wantInf =
        "#datatype,string,long,double
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,1
"
    wantLow =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,-1
,,1,b,1
"

    testing.diff(got: csv.from(csv: hdata) |> histogramQuantile(quantile: 0.99), want: csv.from(csv: want))
        |> yield(name: "q99")
    testing.diff(got: csv.from(csv: inf) |> histogramQuantile(quantile: 0.9), want: csv.from(csv: wantInf))
        |> yield(name: "inf")
    testing.diff(got: csv.from(csv: hdata) |> histogramQuantile(quantile: 0.0, minValue: -1.0), want: csv.from(csv: wantLow))
}

// String bounds (as some scrapers store le) and non-monotonic counts.
testcase histogram_quantile_nonmonotonic {
    bad =
        "#datatype,string,long,string,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,le,_value,host
,,0,1,10,a
,,0,2,8,a
,,0,+Inf,20,a
"
    wantForce =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,1
"

    testing.diff(
        got: csv.from(csv: bad) |> histogramQuantile(quantile: 0.5, onNonmonotonic: "force"),
        want: csv.from(csv: wantForce),
    )
}

testcase histogram_quantile_nonmonotonic_error {
    bad =
        "#datatype,string,long,double,double
#group,false,false,false,false
#default,_result,,,
,result,table,le,_value
,,0,1,10
,,0,2,8
"

    testing.shouldError(fn: () => csv.from(csv: bad) |> histogramQuantile(quantile: 0.5), want: /not monotonic/)
}
