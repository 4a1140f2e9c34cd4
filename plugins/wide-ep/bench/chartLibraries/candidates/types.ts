/** What every candidate draws: one line per series over shared timestamps. */
export interface SeriesData {
  /** Unix seconds. */
  timestamps: number[];
  series: { label: string; values: (number | null)[] }[];
}

/** Draws `data` into `el` at the given size; returns a disposer. */
export type Draw = (
  el: HTMLElement,
  data: SeriesData,
  size: { width: number; height: number },
) => () => void;
