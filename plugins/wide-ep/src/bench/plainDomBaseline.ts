import type { RoleView } from '../components/EntityWideEpRankCard/groupRanks';

/**
 * The floor both card benchmarks compare with: the same pod rows and rank
 * buttons created with plain DOM calls, no React and no styles. Returns the
 * attached root; the caller removes it.
 */
export function buildPlainDomBaseline(views: readonly RoleView[]): HTMLElement {
  const root = document.createElement('div');
  document.body.appendChild(root);
  for (const view of views) {
    for (const row of view.rows) {
      const rowElement = document.createElement('div');
      rowElement.setAttribute('role', 'group');
      rowElement.setAttribute('aria-label', `Pod ${row.pod}`);
      const header = document.createElement('span');
      header.textContent = row.pod ?? '';
      const cells = document.createElement('span');
      for (const cell of row.cells) {
        const button = document.createElement('button');
        button.type = 'button';
        button.setAttribute('aria-label', cell.label);
        button.tabIndex = -1;
        cells.appendChild(button);
      }
      rowElement.append(header, cells);
      root.appendChild(rowElement);
    }
  }
  return root;
}
