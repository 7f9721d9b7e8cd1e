/**
 * The last `capacity` tasks a monitor counted — each task's action and predecessors — oldest forgotten first.
 * Tasks are only ever added (a task is counted once), so first-in first-out is the order: the slots are a ring of
 * plain arrays that grows with use up to the capacity (an idle monitor holds nothing), and the index maps a task id
 * to its slot. Nothing is allocated per task beyond the index's own entry: this sits on the monitor's hot path.
 */
export class TaskMemory {
  private readonly slots = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly acts: string[] = [];
  private readonly preds: (readonly string[])[] = [];
  /** The slot the next task takes once the ring is full. */
  private next = 0;

  constructor(private readonly capacity: number) {}

  has(jti: string): boolean {
    return this.slots.has(jti);
  }

  /** The slot of a remembered task, or -1. */
  slotOf(jti: string): number {
    const slot = this.slots.get(jti);
    return slot === undefined ? -1 : slot;
  }

  actAt(slot: number): string {
    return this.acts[slot]!;
  }

  predAt(slot: number): readonly string[] {
    return this.preds[slot]!;
  }

  /** Remembers a task that is not remembered yet, forgetting the oldest one beyond the capacity. */
  add(jti: string, act: string, pred: readonly string[]): void {
    if (this.capacity === 0) return;
    let slot: number;
    if (this.ids.length < this.capacity) {
      slot = this.ids.length;
      this.ids.push(jti);
      this.acts.push(act);
      this.preds.push(pred);
    } else {
      slot = this.next;
      this.next = slot + 1 === this.capacity ? 0 : slot + 1;
      this.slots.delete(this.ids[slot]!);
      this.ids[slot] = jti;
      this.acts[slot] = act;
      this.preds[slot] = pred;
    }
    this.slots.set(jti, slot);
  }
}
