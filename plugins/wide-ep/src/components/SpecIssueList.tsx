import type { SpecIssue } from '@internal/plugin-wide-ep-common';

/**
 * Spec problems or warnings, one line each, `path: message`: the same
 * wording the actions and the CLI use (`formatIssues`), so a form preview
 * and a failed task name a field the same way.
 */
export function SpecIssueList(props: { issues: readonly SpecIssue[] }) {
  return (
    <ul>
      {props.issues.map(i => (
        <li key={`${i.path}:${i.message}`}>
          {i.path}: {i.message}
        </li>
      ))}
    </ul>
  );
}
