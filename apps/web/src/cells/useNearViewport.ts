import { useEffect, useState, type RefObject } from 'react';

/**
 * How far beyond the viewport an element still counts as near: half a screen above and below, so a cell's editor is
 * ready before one scrolls to it.
 */
const MARGIN = '50% 0px';

/** One observer for all cells of the page (fifty observers would each compute intersections on every scroll). */
let observer: IntersectionObserver | undefined;
const watchers = new Map<Element, (near: boolean) => void>();

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) watchers.get(e.target)?.(e.isIntersecting);
    },
    { rootMargin: MARGIN },
  );
  return observer;
}

/** Whether the element is on screen or near it (IntersectionObserver); false until it has been observed once. */
export function useNearViewport(ref: RefObject<Element | null>): boolean {
  const [near, setNear] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    watchers.set(el, setNear);
    shared().observe(el);
    return () => {
      watchers.delete(el);
      observer?.unobserve(el);
    };
  }, [ref]);
  return near;
}
