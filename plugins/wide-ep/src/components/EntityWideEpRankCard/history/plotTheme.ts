import { useMemo } from 'react';
import { useTheme } from '@material-ui/core/styles';
import { LINE_COLORS, type PlotTheme } from './plotOptions';

/** The plot colours of the current Backstage theme (light or dark). */
export function usePlotTheme(): PlotTheme {
  const theme = useTheme();
  return useMemo(
    () => ({
      text: theme.palette.text.secondary,
      grid: theme.palette.divider,
      font: String(theme.typography.fontFamily ?? 'sans-serif'),
      colors: LINE_COLORS,
    }),
    [theme],
  );
}
