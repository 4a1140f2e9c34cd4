import { useLayoutEffect, useState, type RefObject } from 'react';

/** Width of an element, followed while it resizes (ResizeObserver where there is one). */
export function useElementWidth(
  ref: RefObject<HTMLElement>,
  fallback: number,
): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    setWidth(el.clientWidth || fallback);
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(entries => {
      const next = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (next > 0) setWidth(w => (Math.abs(w - next) >= 1 ? next : w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, fallback]);
  return width;
}
