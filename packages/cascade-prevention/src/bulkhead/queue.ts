/** A queued task's links; the bulkhead's task type extends it. */
export interface QueueNode {
  /** Class index, 0 highest. */
  readonly cls: number;
  prev: QueueNode | undefined;
  next: QueueNode | undefined;
  queued: boolean;
}

/**
 * One FIFO per priority class, as doubly linked lists: push, shift, removal of an aborted task and the shedding
 * victim (newest task of the lowest non-empty class) are all O(1) apart from the scan over classes.
 */
export class ClassQueues<T extends QueueNode> {
  private readonly heads: (T | undefined)[];
  private readonly tails: (T | undefined)[];
  readonly sizes: Uint32Array;
  size = 0;

  constructor(classes: number) {
    this.heads = new Array<T | undefined>(classes).fill(undefined);
    this.tails = new Array<T | undefined>(classes).fill(undefined);
    this.sizes = new Uint32Array(classes);
  }

  push(node: T): void {
    const tail = this.tails[node.cls];
    node.prev = tail;
    node.next = undefined;
    if (tail === undefined) this.heads[node.cls] = node;
    else tail.next = node;
    this.tails[node.cls] = node;
    node.queued = true;
    this.sizes[node.cls]!++;
    this.size++;
  }

  /** The oldest task of a class, without removing it. */
  head(cls: number): T | undefined {
    return this.heads[cls];
  }

  remove(node: T): void {
    if (!node.queued) return;
    if (node.prev === undefined) this.heads[node.cls] = node.next as T | undefined;
    else node.prev.next = node.next;
    if (node.next === undefined) this.tails[node.cls] = node.prev as T | undefined;
    else node.next.prev = node.prev;
    node.prev = undefined;
    node.next = undefined;
    node.queued = false;
    this.sizes[node.cls]!--;
    this.size--;
  }

  /** The shedding victim: the newest task of the lowest class that has any. */
  newestOfLowest(): T | undefined {
    for (let c = this.tails.length - 1; c >= 0; c--) {
      const tail = this.tails[c];
      if (tail !== undefined) return tail;
    }
    return undefined;
  }

  /** Removes and returns every queued task, highest class first. */
  drain(): T[] {
    const out: T[] = [];
    for (let c = 0; c < this.heads.length; c++) {
      for (let n = this.heads[c]; n !== undefined; n = this.heads[c]) {
        this.remove(n);
        out.push(n);
      }
    }
    return out;
  }
}
