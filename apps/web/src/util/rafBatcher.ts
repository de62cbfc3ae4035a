/**
 * Collects updates and hands them over once per animation frame, so a burst of socket messages causes one render.
 * `schedule` is injectable for tests.
 */
export function createRafBatcher<T>(flush: (items: T[]) => void, schedule: (cb: () => void) => unknown = (cb) => requestAnimationFrame(cb)) {
  let queue: T[] = [];
  let scheduled = false;
  return {
    push(item: T) {
      queue.push(item);
      if (scheduled) return;
      scheduled = true;
      schedule(() => {
        scheduled = false;
        const items = queue;
        queue = [];
        flush(items);
      });
    },
  };
}
