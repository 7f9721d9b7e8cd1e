import { ChunkedArray } from './chunked-array.js';
import { IdTable } from './id-table.js';
import type { CheckedNode, PolicyState } from './node.js';

/** What validation reads about nodes already placed: implemented by the store and by the bulk-import view. */
export interface NodeFacts {
  /** Position of the node with this task id, or -1 when there is none. */
  indexOf(jti: string): number;
  iatAt(position: number): number;
  widAt(position: number): string;
  policyAt(position: number): PolicyState;
}

const NONE = -1;
const INITIAL_NODES = 1024;
const INITIAL_EDGES = 1024;

/**
 * The compact storage behind `EctDag`. Task ids and workflow ids are interned to integer positions; per-node
 * facts live in typed arrays; edges live in typed arrays too: predecessors as one contiguous run per node (they
 * are known on insert and never change), successors as a linked list threaded through the same edge slots (they
 * arrive later), and each workflow's nodes as a linked list. About 29 bytes of typed arrays per node plus 12 per edge, besides
 * the id strings and the caller's objects. Positions are insertion order; append-only.
 */
export class DagStore implements NodeFacts {
  size = 0;
  edgeCount = 0;

  readonly jtis = new ChunkedArray<string>();
  private readonly ids = new IdTable(this.jtis);
  readonly issuers = new ChunkedArray<string>();
  readonly actions = new ChunkedArray<string>();
  readonly exts = new ChunkedArray<Readonly<Record<string, unknown>> | undefined>();
  readonly payloads = new ChunkedArray<unknown>();

  private readonly widIds = new Map<string, number>();
  readonly widNames: string[] = [];
  /** First and last node of each workflow, by interned workflow id. */
  readonly wfHead: number[] = [];
  readonly wfTail: number[] = [];

  private nodeCap = INITIAL_NODES;
  nodeWid = new Int32Array(this.nodeCap);
  iats = new Float64Array(this.nodeCap);
  policies = new Uint8Array(this.nodeCap);
  /** Predecessor edges of node i are edge slots predStart[i] .. predStart[i + 1] - 1. */
  predStart = new Int32Array(this.nodeCap + 1);
  succHead = new Int32Array(this.nodeCap);
  succTail = new Int32Array(this.nodeCap);
  /** Next node of the same workflow, in insertion order. */
  wfNext = new Int32Array(this.nodeCap);

  private edgeCap = INITIAL_EDGES;
  /** Edge slot e says: node edgeTo[e] has predecessor edgeFrom[e]; succNext[e] is the next successor edge of edgeFrom[e]. */
  edgeFrom = new Int32Array(this.edgeCap);
  edgeTo = new Int32Array(this.edgeCap);
  succNext = new Int32Array(this.edgeCap);

  indexOf(jti: string): number {
    return this.ids.get(jti);
  }

  iatAt(position: number): number {
    return this.iats[position]!;
  }

  /** The payload stored with a node; undefined when none was given. */
  payloadAt(position: number): unknown {
    return position < this.payloads.length ? this.payloads.at(position) : undefined;
  }

  widAt(position: number): string {
    return this.widNames[this.nodeWid[position]!]!;
  }

  policyAt(position: number): PolicyState {
    return this.policies[position] as PolicyState;
  }

  /** Interned id of a workflow, or -1 when no node of it is stored. */
  workflowIndex(wid: string): number {
    return this.widIds.get(wid) ?? NONE;
  }

  /** Appends a node that has passed validation; `preds` are the positions of its predecessors. */
  append(node: CheckedNode, preds: ArrayLike<number>, payload: unknown): number {
    const i = this.size;
    if (i === this.nodeCap) this.growNodes();
    const k = preds.length;
    if (this.edgeCount + k > this.edgeCap) this.growEdges(this.edgeCount + k);

    this.jtis.push(node.jti);
    this.ids.set(node.jti, i);
    this.issuers.push(node.iss);
    this.actions.push(node.exec_act);
    this.exts.push(node.ect_ext);
    if (payload !== undefined || this.payloads.length > 0) this.fillPayload(i, payload);

    this.iats[i] = node.iat;
    this.policies[i] = node.policy;
    this.succHead[i] = NONE;
    this.succTail[i] = NONE;
    this.wfNext[i] = NONE;
    this.linkWorkflow(i, node.wid);

    let e = this.edgeCount;
    for (let j = 0; j < k; j++, e++) {
      const p = preds[j]!;
      this.edgeFrom[e] = p;
      this.edgeTo[e] = i;
      this.succNext[e] = NONE;
      const tail = this.succTail[p]!;
      if (tail === NONE) this.succHead[p] = e;
      else this.succNext[tail] = e;
      this.succTail[p] = e;
    }
    this.edgeCount = e;
    this.predStart[i + 1] = e;
    this.size = i + 1;
    return i;
  }

  private linkWorkflow(i: number, wid: string): void {
    let w = this.widIds.get(wid);
    if (w === undefined) {
      w = this.widNames.length;
      this.widIds.set(wid, w);
      this.widNames.push(wid);
      this.wfHead.push(i);
      this.wfTail.push(i);
    } else {
      this.wfNext[this.wfTail[w]!] = i;
      this.wfTail[w] = i;
    }
    this.nodeWid[i] = w;
  }

  /** Payloads are stored only once the first one arrives, so DAGs without payloads pay nothing for the slot. */
  private fillPayload(i: number, payload: unknown): void {
    while (this.payloads.length < i) this.payloads.push(undefined);
    this.payloads.push(payload);
  }

  private growNodes(): void {
    const cap = this.nodeCap * 2;
    this.nodeWid = grown(this.nodeWid, cap);
    this.iats = grown(this.iats, cap);
    this.policies = grown(this.policies, cap);
    this.predStart = grown(this.predStart, cap + 1);
    this.succHead = grown(this.succHead, cap);
    this.succTail = grown(this.succTail, cap);
    this.wfNext = grown(this.wfNext, cap);
    this.nodeCap = cap;
  }

  private growEdges(needed: number): void {
    let cap = this.edgeCap * 2;
    while (cap < needed) cap *= 2;
    this.edgeFrom = grown(this.edgeFrom, cap);
    this.edgeTo = grown(this.edgeTo, cap);
    this.succNext = grown(this.succNext, cap);
    this.edgeCap = cap;
  }
}

function grown<T extends Int32Array | Float64Array | Uint8Array>(old: T, length: number): T {
  const next = new (old.constructor as new (n: number) => T)(length);
  next.set(old);
  return next;
}
