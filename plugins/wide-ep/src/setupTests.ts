import '@testing-library/jest-dom';

// jsdom has no 2-D canvas and reports each getContext call as an error; a
// browser without one answers null, which the card's plots handle by
// showing their tables (history/canvasSupport.ts).
HTMLCanvasElement.prototype.getContext = (() =>
  null) as typeof HTMLCanvasElement.prototype.getContext;
