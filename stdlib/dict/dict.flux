package dict


// Dictionaries: keys are strings, numbers, bools, times or durations. Functions return new
// dictionaries; the input is never changed.

// fromList builds a dictionary from an array of {key, value} records (a later key wins).
builtin fromList : (pairs: [{key: K, value: V}]) => [K: V]

// get returns the value stored under key, or default when there is none.
builtin get : (dict: [K: V], key: K, default: V) => V

// insert returns a copy of dict with value stored under key.
builtin insert : (dict: [K: V], key: K, value: V) => [K: V]

// remove returns a copy of dict without key.
builtin remove : (dict: [K: V], key: K) => [K: V]
