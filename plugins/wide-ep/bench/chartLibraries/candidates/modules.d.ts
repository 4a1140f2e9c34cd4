// The comparison's candidates are installed by compare.mjs into a temporary
// directory, not into the repo, so the repo's type check sees no types for
// them (uplot, the one chosen, is a real dependency and keeps its own).
declare module 'chart.js';
declare module 'echarts/core';
declare module 'echarts/charts';
declare module 'echarts/components';
declare module 'echarts/renderers';
declare module 'recharts';
declare module '@visx/xychart';
