package timezone


// Locations for the `location` option and the `location` parameter of date functions.

// utc is Coordinated Universal Time.
utc = {zone: "UTC", offset: 0h}

// fixed returns a location with a fixed offset from UTC (no daylight saving time).
fixed = (offset) => ({zone: "UTC", offset: offset})

// location returns the location of an IANA time zone (for example "America/New_York"),
// including its daylight saving time rules. An unknown name is an error.
builtin location : (name: string) => {zone: string, offset: duration}
