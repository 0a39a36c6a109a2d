/**
 * A binary min-heap of records ordered by expiry, for the memory store: the record that expires
 * soonest is always at the top, so both the expiry sweep and eviction cost O(log n).
 *
 * @module
 */

/**
 * One heap slot. `index` is kept current by the heap so a record can be re-ordered in place when
 * its expiry is extended.
 *
 * @example
 * ```ts
 * const node: HeapNode = { expiresAt: 60, seq: 1, index: -1 };
 * ```
 */
export interface HeapNode {
  /** Epoch seconds; `Infinity` for records kept for good. */
  expiresAt: number;
  /** Write order, the tie-break: among equal expiries the oldest write leaves first. */
  seq: number;
  /** Position in the heap array, -1 when not in the heap. */
  index: number;
}

function before(a: HeapNode, b: HeapNode): boolean {
  return a.expiresAt < b.expiresAt || (a.expiresAt === b.expiresAt && a.seq < b.seq);
}

/**
 * Min-heap by (`expiresAt`, `seq`).
 *
 * @example
 * ```ts
 * const heap = new ExpiryHeap<HeapNode>();
 * heap.push({ expiresAt: 10, seq: 1, index: -1 });
 * heap.peek()?.expiresAt; // 10
 * ```
 */
export class ExpiryHeap<T extends HeapNode> {
  readonly #items: T[] = [];

  /** Number of records held. */
  get size(): number {
    return this.#items.length;
  }

  /** The record that expires soonest, without removing it. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds a record. */
  push(node: T): void {
    node.index = this.#items.length;
    this.#items.push(node);
    this.#siftUp(node.index);
  }

  /** Removes and returns the record that expires soonest. */
  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes a record wherever it sits. */
  remove(node: T): void {
    const i = node.index;
    const last = this.#items.pop();
    node.index = -1;
    if (last === undefined || last === node) return;
    this.#items[i] = last;
    last.index = i;
    this.#siftUp(i);
    this.#siftDown(last.index);
  }

  /** Restores order after a record's `expiresAt` or `seq` changed. */
  update(node: T): void {
    this.#siftUp(node.index);
    this.#siftDown(node.index);
  }

  #swap(i: number, j: number): void {
    const a = this.#items[i] as T;
    const b = this.#items[j] as T;
    this.#items[i] = b;
    this.#items[j] = a;
    a.index = j;
    b.index = i;
  }

  #siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.#items[i] as T, this.#items[parent] as T)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      let child = left;
      if (right < n && before(this.#items[right] as T, this.#items[left] as T)) child = right;
      if (!before(this.#items[child] as T, this.#items[i] as T)) return;
      this.#swap(i, child);
      i = child;
    }
  }
}
