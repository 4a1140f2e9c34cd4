import {
  memo,
  useRef,
  useState,
  type KeyboardEvent,
  type SyntheticEvent,
} from 'react';
import { makeStyles, type Theme } from '@material-ui/core/styles';
import type { RankState } from '@internal/plugin-wide-ep-common';
import type { PodRowView, RoleView } from './groupRanks';
import { GROUP_STATE_TEXT, RANK_STATE_DISPLAY } from './rankStates';

const CELL = 24;

/**
 * The state's glyph as an SVG image in the given colour. An image is decoded
 * once per state and reused by every cell; a text glyph (`::before` content)
 * is shaped and laid out per cell, which cost a third of a 1,024-rank mount
 * in Chromium (bench/browser).
 */
function glyphImage(state: RankState, color: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20">` +
    `<text x="10" y="14.5" text-anchor="middle" font-family="sans-serif" ` +
    `font-size="13" font-weight="700" fill="${color}">${RANK_STATE_DISPLAY[state].glyph}</text></svg>`;
  return `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
}

const useStyles = makeStyles((theme: Theme) => {
  const fill = (state: RankState, color: string, pattern?: string) => ({
    backgroundColor: color,
    backgroundImage: [
      glyphImage(state, theme.palette.getContrastText(color)),
      pattern,
    ]
      .filter(Boolean)
      .join(', '),
    backgroundRepeat: 'no-repeat, repeat',
    backgroundPosition: 'center',
    backgroundSize: '100% 100%, auto',
  });
  return {
    grid: { display: 'flex', flexDirection: 'column', gap: theme.spacing(1) },
    groupTitle: {
      fontWeight: 600,
      fontSize: theme.typography.body2.fontSize,
      margin: 0,
    },
    groupDown: { color: theme.palette.error.main },
    groupReason: {
      fontSize: theme.typography.caption.fontSize,
      color: theme.palette.text.secondary,
      margin: 0,
    },
    row: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: theme.spacing(1),
    },
    rowHeader: {
      fontSize: theme.typography.caption.fontSize,
      color: theme.palette.text.secondary,
      // One width for every row, so rank columns line up across pods.
      flex: '0 0 320px',
      maxWidth: '100%',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      whiteSpace: 'nowrap',
    },
    cells: { display: 'flex', flexWrap: 'wrap', gap: 2 },
    cell: {
      width: CELL,
      height: CELL,
      padding: 0,
      border: '2px solid transparent',
      borderRadius: 3,
      cursor: 'pointer',
      '&:focus-visible': {
        outline: `3px solid ${theme.palette.primary.main}`,
        outlineOffset: 1,
      },
    },
    // The glyph is a background image so a cell stays one element without
    // a text node; its accessible name is the aria-label.
    healthy: fill('healthy', theme.palette.success.main),
    starting: {
      ...fill('starting', theme.palette.info.light),
      borderStyle: 'dashed',
      borderColor: theme.palette.info.dark,
    },
    unhealthy: fill(
      'unhealthy',
      theme.palette.error.main,
      'repeating-linear-gradient(45deg, rgba(0,0,0,0.25) 0 3px, transparent 3px 6px)',
    ),
    unknown: {
      ...fill('unknown', theme.palette.grey[400]),
      borderStyle: 'dotted',
      borderColor: theme.palette.grey[700],
    },
    current: { boxShadow: `0 0 0 2px ${theme.palette.text.primary}` },
  };
});

type Classes = ReturnType<typeof useStyles>;

interface PodRowProps {
  row: PodRowView;
  /** Position of the row in the role, written to the DOM to find cells by position. */
  index: number;
  classes: Classes;
  /** Only set for the row holding the cell, so other rows skip re-rendering. */
  activeKey?: string;
  currentKey?: string;
  detailsId: string;
}

/**
 * True when a refreshed row draws exactly as before. Every refresh brings
 * new objects; comparing what is drawn lets unchanged rows skip rendering.
 */
function samePodRow(prev: PodRowProps, next: PodRowProps): boolean {
  if (
    prev.index !== next.index ||
    prev.activeKey !== next.activeKey ||
    prev.currentKey !== next.currentKey ||
    prev.detailsId !== next.detailsId ||
    prev.classes !== next.classes
  ) {
    return false;
  }
  const a = prev.row;
  const b = next.row;
  if (a === b) return true;
  if (a.pod !== b.pod || a.node !== b.node || a.cells.length !== b.cells.length)
    return false;
  return a.cells.every(
    (cell, i) => cell.key === b.cells[i].key && cell.label === b.cells[i].label,
  );
}

function PodRowBase(props: PodRowProps) {
  const { row, index, classes, activeKey, currentKey, detailsId } = props;
  const title = row.pod
    ? `${row.pod}${row.node ? ` · node ${row.node}` : ' · no node'}`
    : 'Not scheduled';
  return (
    <div className={classes.row} role="group" aria-label={`Pod ${title}`}>
      <span className={classes.rowHeader} title={title}>
        {title}
      </span>
      <span className={classes.cells} data-row={index}>
        {row.cells.map(cell => {
          const state: RankState = cell.rank.state;
          const isCurrent = cell.key === currentKey;
          return (
            <button
              key={cell.key}
              type="button"
              className={`${classes.cell} ${classes[state]}${
                isCurrent ? ` ${classes.current}` : ''
              }`}
              aria-label={cell.label}
              aria-describedby={isCurrent ? detailsId : undefined}
              tabIndex={cell.key === activeKey ? 0 : -1}
            />
          );
        })}
      </span>
    </div>
  );
}

const PodRow = memo(PodRowBase, samePodRow);

/** Props of {@link RankGrid}. */
export interface RankGridProps {
  view: RoleView;
  /** The rank whose details are shown (last focused or clicked). */
  currentKey?: string;
  detailsId: string;
  onHover(key: string | undefined): void;
  onCurrent(key: string): void;
}

/**
 * The cell an event targets, found by position (row `data-row`, then index
 * among the row's buttons) so cells need no attribute of their own for it.
 */
function cellKeyOf(target: EventTarget, view: RoleView): string | undefined {
  const button = (target as HTMLElement).closest?.('button');
  const rowElement = button?.parentElement;
  const row = rowElement?.dataset.row;
  if (!button || !rowElement || row === undefined) return undefined;
  const column = Array.prototype.indexOf.call(rowElement.children, button);
  return view.rows[Number(row)]?.cells[column]?.key;
}

function cellPosition(
  view: RoleView,
  key: string,
): { row: number; column: number } {
  const row = view.rowOfKey.get(key) ?? 0;
  return { row, column: view.rows[row].cells.findIndex(c => c.key === key) };
}

/**
 * The rank cells of one role, grouped by DP group and pod. Cells are plain
 * buttons with one roving tab stop per role; arrow keys, Home and End move
 * between them. Events are delegated to the grid and the glyph is CSS, so a
 * cell costs one element.
 */
function RankGridBase(props: RankGridProps) {
  const { view, currentKey, detailsId, onHover, onCurrent } = props;
  const classes = useStyles();
  const container = useRef<HTMLDivElement>(null);
  const [activeKey, setActiveKey] = useState<string>();
  const tabStop =
    activeKey && view.cellByKey.has(activeKey) ? activeKey : view.cells[0]?.key;

  const moveTo = (key: string | undefined) => {
    if (!key) return;
    setActiveKey(key);
    const { row, column } = cellPosition(view, key);
    const rowElement = container.current?.querySelector(`[data-row="${row}"]`);
    (rowElement?.children[column] as HTMLElement | undefined)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const key = cellKeyOf(event.target, view);
    if (!key) return;
    const { cells, rows } = view;
    const index = cells.findIndex(c => c.key === key);
    const { row: rowIndex, column } = cellPosition(view, key);
    const verticalTarget = (delta: number) => {
      const row = rows[rowIndex + delta];
      return row?.cells[Math.min(column, row.cells.length - 1)]?.key;
    };
    const targets: Record<string, () => string | undefined> = {
      ArrowRight: () => cells[index + 1]?.key,
      ArrowLeft: () => cells[index - 1]?.key,
      ArrowDown: () => verticalTarget(1),
      ArrowUp: () => verticalTarget(-1),
      Home: () => cells[0]?.key,
      End: () => cells[cells.length - 1]?.key,
    };
    const target = targets[event.key];
    if (target) {
      event.preventDefault();
      moveTo(target());
    }
  };

  const onFocusOrClick = (event: SyntheticEvent) => {
    const key = cellKeyOf(event.target, view);
    if (key) {
      setActiveKey(key);
      onCurrent(key);
    }
  };

  const activeRow = tabStop ? view.rowOfKey.get(tabStop) : undefined;
  const currentRow = currentKey ? view.rowOfKey.get(currentKey) : undefined;
  let rowIndex = 0;
  return (
    // Delegated handlers: the cells inside are the interactive elements.
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions
    <div
      ref={container}
      className={classes.grid}
      onMouseOver={event => onHover(cellKeyOf(event.target, view))}
      onMouseLeave={() => onHover(undefined)}
      onFocus={onFocusOrClick}
      onClick={onFocusOrClick}
      onKeyDown={onKeyDown}
    >
      {view.groups.map(group => (
        <div
          key={group.index}
          role="group"
          aria-label={`${view.role} group ${group.index}`}
        >
          <p className={classes.groupTitle}>
            Group {group.index} · {group.rows.length}{' '}
            {group.rows.length === 1 ? 'pod' : 'pods'}
            {group.health && (
              <span
                className={
                  group.health.state === 'degraded'
                    ? classes.groupDown
                    : undefined
                }
              >
                {' '}
                · {GROUP_STATE_TEXT[group.health.state]}
              </span>
            )}
          </p>
          {group.health?.reason && (
            <p className={classes.groupReason}>{group.health.reason}</p>
          )}
          {group.rows.map(row => {
            const index = rowIndex++;
            return (
              <PodRow
                key={row.key}
                row={row}
                index={index}
                classes={classes}
                activeKey={index === activeRow ? tabStop : undefined}
                currentKey={index === currentRow ? currentKey : undefined}
                detailsId={detailsId}
              />
            );
          })}
        </div>
      ))}
    </div>
  );
}

/** Memoised: hovering elsewhere in the card does not re-render the grid. */
export const RankGrid = memo(RankGridBase);
