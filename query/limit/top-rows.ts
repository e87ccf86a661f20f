// The first `count` items of a sort without sorting them all: a bounded heap holds the best `count`
// seen so far, so ranking n items costs n log(count) comparisons instead of n log(n).

/**
 * Exactly `[...items].sort(compare).slice(0, count)` (stable: equal items keep their input order).
 * Sorts outright when count is not much smaller than the input.
 */
export function topRows<T>(items: readonly T[], compare: (left: T, right: T) => number, count: number): T[] {
  if (count <= 0) return [];
  if (count * 4 >= items.length) return [...items].sort(compare).slice(0, count);
  // Ties are broken by input position, which makes the heap's choice the stable sort's.
  const order = (left: number, right: number): number => compare(items[left]!, items[right]!) || left - right;
  // A max-heap on `order`: the root is the worst of the kept items.
  const heap: number[] = [];
  for (let index = 0; index < items.length; index++) {
    if (heap.length < count) {
      heap.push(index);
      siftUp(heap, heap.length - 1, order);
    } else if (order(index, heap[0]!) < 0) {
      heap[0] = index;
      siftDown(heap, 0, order);
    }
  }
  return heap.sort(order).map((index) => items[index]!);
}

function siftUp(heap: number[], position: number, order: (left: number, right: number) => number): void {
  while (position > 0) {
    const parent = (position - 1) >> 1;
    if (order(heap[position]!, heap[parent]!) <= 0) return;
    [heap[position], heap[parent]] = [heap[parent]!, heap[position]!];
    position = parent;
  }
}

function siftDown(heap: number[], position: number, order: (left: number, right: number) => number): void {
  for (;;) {
    const left = 2 * position + 1;
    const right = left + 1;
    let largest = position;
    if (left < heap.length && order(heap[left]!, heap[largest]!) > 0) largest = left;
    if (right < heap.length && order(heap[right]!, heap[largest]!) > 0) largest = right;
    if (largest === position) return;
    [heap[position], heap[largest]] = [heap[largest]!, heap[position]!];
    position = largest;
  }
}
