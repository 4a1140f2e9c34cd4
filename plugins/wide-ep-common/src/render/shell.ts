/** Quotes one word for bash; safe words stay bare so scripts stay readable. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=,@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A flag and its (already shell-safe) value; `undefined` for bare flags. */
export type Flag = [string, string?];

/** `exec <cmd> \` with one flag per continuation line. */
export function execLines(command: string[], flags: Flag[]): string[] {
  const head = `exec ${command.join(' ')}`;
  const rest = flags.map(([f, v]) => (v === undefined ? f : `${f} ${v}`));
  const lines = [head, ...rest.map(line => `  ${line}`)];
  return lines.map((line, i) => (i < lines.length - 1 ? `${line} \\` : line));
}
