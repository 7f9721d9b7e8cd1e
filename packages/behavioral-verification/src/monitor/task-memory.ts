/**
 * Tasks per chunk of the ring. V8 moves an array past about 128 KB to its large-object space, where each growth
 * maps fresh pages: pushing onto one ring array of 50,000 tasks cost about 60 ns a task, a chunked ring a few. A
 * chunk of 2,048 tasks (three references each) stays a regular object, its growth overshoot included. Only the first
 * chunk grows by pushing: a ring that filled it is busy, and each later chunk is made whole, copied by no growth.
 */
const CHUNK_BITS = 11;
const CHUNK = 1 << CHUNK_BITS;

/**
 * The last `capacity` tasks a monitor counted — each task's action and predecessors — oldest forgotten first.
 * Tasks are only ever added (a task is counted once), so first-in first-out is the order: the slots are a ring that
 * grows with use up to the capacity (an idle monitor holds nothing).
 *
 * This sits on the monitor's hot path, where almost every lookup misses (a new task is looked up before it is
 * added). The index is therefore an open-addressing table in one typed array rather than a `Map`: a miss reads one
 * cache line of (fingerprint, slot) pairs and never touches a stored id, where a `Map` chases its bucket, its entry
 * and the stored key's string; and a task costs no allocation beyond its ring slot.
 */
export class TaskMemory {
  /** The ring: each chunk holds `CHUNK` slots of (id, action, predecessors), one after the other. */
  private readonly chunks: (string | readonly string[])[][] = [];
  private size = 0;
  /** Each slot's fingerprint, to find its index entry when the slot is reused. */
  private fingerprints = new Int32Array(0);
  /** Linear-probing index: pairs (fingerprint, slot + 1), 0 in the second word marking an empty bucket. */
  private index = new Int32Array(0);
  private mask = -1;
  /** The slot the next task takes once the ring is full. */
  private next = 0;
  /** The id last looked up and its fingerprint: the monitor adds a task right after finding it is not remembered. */
  private lastId = '';
  private lastFingerprint = fingerprint('');

  constructor(private readonly capacity: number) {}

  has(jti: string): boolean {
    return this.slotOf(jti) >= 0;
  }

  /** The slot of a remembered task, or -1. */
  slotOf(jti: string): number {
    if (this.size === 0) return -1;
    const fp = this.fingerprintOf(jti);
    const { index, mask } = this;
    for (let b = fp & mask; ; b = (b + 1) & mask) {
      const slot = index[2 * b + 1]! - 1;
      if (slot < 0) return -1;
      if (index[2 * b] === fp && this.at(slot, 0) === jti) return slot;
    }
  }

  actAt(slot: number): string {
    return this.at(slot, 1) as string;
  }

  predAt(slot: number): readonly string[] {
    return this.at(slot, 2) as readonly string[];
  }

  /** Remembers a task that is not remembered yet, forgetting the oldest one beyond the capacity. */
  add(jti: string, act: string, pred: readonly string[]): void {
    if (this.capacity === 0) return;
    const fp = this.fingerprintOf(jti);
    let slot: number;
    if (this.size < this.capacity) {
      slot = this.size++;
      if ((slot & (CHUNK - 1)) === 0) this.chunks.push(slot === 0 ? [] : new Array(3 * CHUNK));
      if (slot < CHUNK) this.chunks[0]!.push(jti, act, pred);
      else this.set(slot, jti, act, pred);
      if (slot >= this.fingerprints.length || 2 * (slot + 1) > this.mask + 1) this.grow(slot + 1);
    } else {
      slot = this.next;
      this.next = slot + 1 === this.capacity ? 0 : slot + 1;
      this.unindex(slot);
      this.set(slot, jti, act, pred);
    }
    this.fingerprints[slot] = fp;
    this.insert(fp, slot);
  }

  /** Puts a task in `slot`, whose chunk exists. */
  private set(slot: number, jti: string, act: string, pred: readonly string[]): void {
    const chunk = this.chunks[slot >> CHUNK_BITS]!;
    const k = 3 * (slot & (CHUNK - 1));
    chunk[k] = jti;
    chunk[k + 1] = act;
    chunk[k + 2] = pred;
  }

  /** Field `field` of `slot`: 0 its id, 1 its action, 2 its predecessors. */
  private at(slot: number, field: 0 | 1 | 2): string | readonly string[] {
    return this.chunks[slot >> CHUNK_BITS]![3 * (slot & (CHUNK - 1)) + field]!;
  }

  private fingerprintOf(jti: string): number {
    if (jti !== this.lastId) {
      this.lastId = jti;
      this.lastFingerprint = fingerprint(jti);
    }
    return this.lastFingerprint;
  }

  private insert(fp: number, slot: number): void {
    const { index, mask } = this;
    let b = fp & mask;
    while (index[2 * b + 1] !== 0) b = (b + 1) & mask;
    index[2 * b] = fp;
    index[2 * b + 1] = slot + 1;
  }

  /** Removes `slot`'s entry, shifting later entries of its probe run back so that no lookup stops early. */
  private unindex(slot: number): void {
    const { index, mask } = this;
    let hole = this.fingerprints[slot]! & mask;
    while (index[2 * hole + 1] !== slot + 1) hole = (hole + 1) & mask;
    for (let b = (hole + 1) & mask; index[2 * b + 1] !== 0; b = (b + 1) & mask) {
      // An entry moves into the hole unless its home bucket lies cyclically within (hole, b].
      if (((b - (index[2 * b]! & mask)) & mask) >= ((b - hole) & mask)) {
        index[2 * hole] = index[2 * b]!;
        index[2 * hole + 1] = index[2 * b + 1]!;
        hole = b;
      }
    }
    index[2 * hole] = 0;
    index[2 * hole + 1] = 0;
  }

  /**
   * Room for `count` tasks: the fingerprints doubled, up to the capacity; the index at most half full, grown four
   * times over, up to what the capacity needs. Fourfold growth moves a third of the entries doubling moves (the
   * moves were most of the cost of a new task), for an index up to twice the size it needs meanwhile.
   */
  private grow(count: number): void {
    const slots = Math.min(this.capacity, Math.max(16, this.fingerprints.length * 2, count));
    if (slots > this.fingerprints.length) {
      const fingerprints = new Int32Array(slots);
      fingerprints.set(this.fingerprints);
      this.fingerprints = fingerprints;
    }
    let buckets = Math.max(32, this.mask + 1);
    const most = 2 ** Math.ceil(Math.log2(2 * this.capacity));
    while (buckets < 2 * count) buckets = Math.min(4 * buckets, most);
    if (buckets === this.mask + 1) return;
    const old = this.index;
    this.index = new Int32Array(2 * buckets);
    this.mask = buckets - 1;
    // Entries move over in bucket order, so that the writes sweep the larger index instead of landing at random.
    for (let b = 0; b < old.length; b += 2) if (old[b + 1] !== 0) this.insert(old[b]!, old[b + 1]! - 1);
  }
}

/** FNV-1a over the UTF-16 code units: a task id is short, and a collision only costs a string comparison. */
function fingerprint(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
