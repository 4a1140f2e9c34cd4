let supported: boolean | undefined;

/**
 * Whether this browser can draw on a 2-D canvas. Without it (jsdom in the
 * unit tests, some locked-down browsers) the plots fall back to their tables.
 */
export function canvasSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = Boolean(document.createElement('canvas').getContext('2d'));
    } catch {
      supported = false;
    }
  }
  return supported;
}
