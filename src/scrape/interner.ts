// Design: an open-addressing hash table that interns byte ranges of the exposition
// (metric names, label names, label values) without creating a JavaScript string for each
// occurrence: a range is hashed (FNV-1a) and compared byte by byte with the stored copy;
// only a value seen for the first time is copied into the arena and decoded into a string.
// Ids are dense (0, 1, 2, ...), so they double as dictionary codes of string columns.

const decoder = new TextDecoder('utf-8');
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
const ASCII_SCRATCH = new Uint8Array(256);

export class ByteInterner {
  /** The interned strings; `strings[id]`. */
  readonly strings: string[] = [];
  /** Per id: true when its bytes are not valid UTF-8 (decoded with replacement characters). */
  private invalid: Uint8Array;
  private slots: Int32Array;
  private mask: number;
  private arena: Uint8Array;
  private arenaLen = 0;
  private starts: Int32Array;
  private lens: Int32Array;
  private hashes: Int32Array;

  /**
   * `capacity`: the number of strings expected. Small scrapes are the common case (a task
   * scraping a few dozen series every second, a fleet of small targets), so the default is
   * small: every array here grows by doubling, and allocating a few kilobytes of typed arrays
   * per scrape showed up as garbage-collector time in the scheduler benchmark.
   */
  constructor(capacity = 8) {
    let size = 16;
    while (size < capacity * 2) size <<= 1;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    const n = size >> 1;
    this.invalid = new Uint8Array(n);
    this.starts = new Int32Array(n);
    this.lens = new Int32Array(n);
    this.hashes = new Int32Array(n);
    this.arena = new Uint8Array(n * 16);
  }

  get size(): number {
    return this.strings.length;
  }

  /** The id of buf[s, e), adding it when new. */
  intern(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const len = e - s;
    let slot = h & this.mask;
    const slots = this.slots;
    for (;;) {
      const v = slots[slot]!;
      if (v === 0) break;
      const id = v - 1;
      if (this.hashes[id] === h && this.lens[id] === len) {
        const st = this.starts[id]!;
        const arena = this.arena;
        let j = 0;
        while (j < len && arena[st + j] === buf[s + j]) j++;
        if (j === len) return id;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.insert(buf, s, e, h, slot);
  }

  /** The id of a JavaScript string (slow path: unescaped values, synthetic names). */
  internString(str: string): number {
    const n = str.length;
    if (n <= ASCII_SCRATCH.length) {
      // ASCII (names, most values): char codes are the bytes; no TextEncoder call.
      let i = 0;
      for (; i < n; i++) {
        const c = str.charCodeAt(i);
        if (c >= 0x80) break;
        ASCII_SCRATCH[i] = c;
      }
      if (i === n) return this.intern(ASCII_SCRATCH, 0, n);
    }
    const bytes = encoder.encode(str);
    return this.intern(bytes, 0, bytes.length);
  }

  /** The id here of string `id` of another interner (copies its bytes; no re-encoding). */
  internFrom(other: ByteInterner, id: number): number {
    const st = other.starts[id]!;
    return this.intern(other.arena, st, st + other.lens[id]!);
  }

  /** True when the bytes of `id` are not valid UTF-8. */
  isInvalidUtf8(id: number): boolean {
    return this.invalid[id] === 1;
  }

  private insert(buf: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const id = this.strings.length;
    const len = e - s;
    if (id >= this.starts.length) {
      const n = this.starts.length * 2;
      this.starts = grow(this.starts, n);
      this.lens = grow(this.lens, n);
      this.hashes = grow(this.hashes, n);
      const inv = new Uint8Array(n);
      inv.set(this.invalid);
      this.invalid = inv;
    }
    if (this.arenaLen + len > this.arena.length) {
      let n = this.arena.length * 2;
      while (n < this.arenaLen + len) n *= 2;
      const a = new Uint8Array(n);
      a.set(this.arena.subarray(0, this.arenaLen));
      this.arena = a;
    }
    this.arena.set(buf.subarray(s, e), this.arenaLen);
    this.starts[id] = this.arenaLen;
    this.lens[id] = len;
    this.hashes[id] = h;
    this.arenaLen += len;
    let ascii = true;
    for (let i = s; i < e; i++) {
      if (buf[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    let str: string;
    if (ascii) {
      str = len < 64 ? String.fromCharCode.apply(null, buf.subarray(s, e) as unknown as number[]) : decoder.decode(buf.subarray(s, e));
    } else {
      try {
        str = strictDecoder.decode(buf.subarray(s, e));
      } catch {
        str = decoder.decode(buf.subarray(s, e));
        this.invalid[id] = 1;
      }
    }
    this.strings.push(str);
    this.slots[slot] = id + 1;
    if (this.strings.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this.strings.length; id++) {
      let slot = this.hashes[id]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function grow(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
