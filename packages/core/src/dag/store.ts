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

/**
 * The storage behind `EctDag`. Task ids are found through an {@link IdTable}, workflow ids are interned to integer
 * positions, and per-node facts live in flat arrays indexed by position: predecessors as one contiguous run of edge
 * slots per node (they are known on insert and never change), successors as a linked list threaded through the
 * same edge slots (they arrive later), and each workflow's nodes as a linked list. Positions are insertion order;
 * append-only.
 *
 * The integer facts are plain arrays of small integers rather than typed arrays: V8 keeps those unboxed and never
 * traces them, while every typed array's memory counts as external memory, and each 64 MB of it allocated between
 * full collections forces one, which must then trace everything else alive too (at a million tasks, a quarter of
 * a second). The strings and objects kept per node go in chunked lists, which never copy themselves.
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

  readonly nodeWid: number[] = [];
  readonly iats: number[] = [];
  readonly policies: PolicyState[] = [];
  /** Predecessor edges of node i are edge slots predStart[i] .. predStart[i + 1] - 1. */
  readonly predStart: number[] = [0];
  readonly succHead: number[] = [];
  readonly succTail: number[] = [];
  /** Next node of the same workflow, in insertion order. */
  readonly wfNext: number[] = [];

  /** Edge slot e says: node edgeTo[e] has predecessor edgeFrom[e]; succNext[e] is the next successor edge of edgeFrom[e]. */
  readonly edgeFrom: number[] = [];
  readonly edgeTo: number[] = [];
  readonly succNext: number[] = [];

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
    return this.policies[position]!;
  }

  /** Interned id of a workflow, or -1 when no node of it is stored. */
  workflowIndex(wid: string): number {
    return this.widIds.get(wid) ?? NONE;
  }

  /** Appends a node that has passed validation; `preds` are the positions of its predecessors. */
  append(node: CheckedNode, preds: ArrayLike<number>, payload: unknown): number {
    const i = this.size;
    const k = preds.length;

    this.jtis.push(node.jti);
    this.ids.set(node.jti, i);
    this.issuers.push(node.iss);
    this.actions.push(node.exec_act);
    this.exts.push(node.ect_ext);
    if (payload !== undefined || this.payloads.length > 0) this.fillPayload(i, payload);

    this.iats.push(node.iat);
    this.policies.push(node.policy);
    this.succHead.push(NONE);
    this.succTail.push(NONE);
    this.wfNext.push(NONE);
    this.linkWorkflow(i, node.wid);

    let e = this.edgeCount;
    for (let j = 0; j < k; j++, e++) {
      const p = preds[j]!;
      this.edgeFrom.push(p);
      this.edgeTo.push(i);
      this.succNext.push(NONE);
      const tail = this.succTail[p]!;
      if (tail === NONE) this.succHead[p] = e;
      else this.succNext[tail] = e;
      this.succTail[p] = e;
    }
    this.edgeCount = e;
    this.predStart.push(e);
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
    this.nodeWid.push(w);
  }

  /** Payloads are stored only once the first one arrives, so DAGs without payloads pay nothing for the slot. */
  private fillPayload(i: number, payload: unknown): void {
    while (this.payloads.length < i) this.payloads.push(undefined);
    this.payloads.push(payload);
  }
}
