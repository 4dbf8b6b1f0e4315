package date


// Date functions. `t` is a time, or a duration relative to now(). Calendar fields are read
// in `location` (default: the `location` option, UTC unless set), so across a daylight
// saving time change the local hour and day are those of the zone.

// Weekdays (as weekDay returns them) and months (as month returns them).
Sunday = 0
Monday = 1
Tuesday = 2
Wednesday = 3
Thursday = 4
Friday = 5
Saturday = 6

January = 1
February = 2
March = 3
April = 4
May = 5
June = 6
July = 7
August = 8
September = 9
October = 10
November = 11
December = 12

// second returns the second of the minute (0-59).
builtin second : (t: T, ?location: {zone: string, offset: duration}) => int

// minute returns the minute of the hour (0-59).
builtin minute : (t: T, ?location: {zone: string, offset: duration}) => int

// hour returns the hour of the day (0-23).
builtin hour : (t: T, ?location: {zone: string, offset: duration}) => int

// weekDay returns the day of the week (0 = Sunday .. 6 = Saturday).
builtin weekDay : (t: T, ?location: {zone: string, offset: duration}) => int

// monthDay returns the day of the month (1-31).
builtin monthDay : (t: T, ?location: {zone: string, offset: duration}) => int

// yearDay returns the day of the year (1-366).
builtin yearDay : (t: T, ?location: {zone: string, offset: duration}) => int

// month returns the month of the year (1-12).
builtin month : (t: T, ?location: {zone: string, offset: duration}) => int

// year returns the year.
builtin year : (t: T, ?location: {zone: string, offset: duration}) => int

// week returns the ISO 8601 week of the year (1-53).
builtin week : (t: T, ?location: {zone: string, offset: duration}) => int

// quarter returns the quarter of the year (1-4).
builtin quarter : (t: T, ?location: {zone: string, offset: duration}) => int

// millisecond, microsecond and nanosecond return the fraction of the second in those units.
builtin millisecond : (t: T, ?location: {zone: string, offset: duration}) => int
builtin microsecond : (t: T, ?location: {zone: string, offset: duration}) => int
builtin nanosecond : (t: T, ?location: {zone: string, offset: duration}) => int

// time returns t as a time (a duration is taken relative to now()).
builtin time : (t: T, ?location: {zone: string, offset: duration}) => time

// truncate rounds t down to a multiple of unit on the local clock of location (1d truncates
// to local midnight, 1mo to the first of the month, 1w to a Thursday as Flux does).
builtin truncate : (t: T, unit: duration, ?location: {zone: string, offset: duration}) => time

// add adds the duration d to the time to; months are added on the calendar of location
// (keeping the local time of day; the day is clamped to the end of a shorter month).
builtin add : (d: duration, to: T, ?location: {zone: string, offset: duration}) => time

// sub subtracts the duration d from the time from (see add).
builtin sub : (d: duration, from: T, ?location: {zone: string, offset: duration}) => time

// scale multiplies the duration d by n, each unit (months, nanoseconds) on its own, as the
// Flux SPEC's Duration literals section does: date.scale(d: 1mo1d, n: 2) is 2mo2d.
scale = (d, n) => d * n
