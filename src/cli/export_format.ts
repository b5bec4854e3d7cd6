/**
 * Formats for `authsome export`: `env` and `shell` (both `export NAME='value'`,
 * for `eval` in a shell: the original authsome's users arrive with
 * `--format env`, and plain `NAME=value` would set variables the next program
 * does not get), `dotenv` (a .env file) and `json`. Pure; every shell form
 * survives `eval` in bash and zsh byte for byte.
 */

/** The export formats. */
export type ExportFormat = "env" | "shell" | "dotenv" | "json";

/** The export formats, for validation and help. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ["env", "shell", "dotenv", "json"];

/** Quotes a value for POSIX shells: single quotes, with `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes a value for a .env file: double quotes, with `\`, `"`, `$` and line breaks escaped. */
export function dotenvQuote(value: string): string {
  const escaped = value.replace(
    /[\\"$\n\r]/g,
    (c) => ({ "\\": "\\\\", '"': '\\"', $: "\\$", "\n": "\\n", "\r": "\\r" })[c]!,
  );
  return `"${escaped}"`;
}

/** Renders `variables` in `format`. */
export function formatExport(
  variables: readonly (readonly [string, string])[],
  format: ExportFormat,
): string {
  switch (format) {
    case "env":
    case "shell":
      return variables.map(([name, value]) => `export ${name}=${shellQuote(value)}\n`).join("");
    case "dotenv":
      return variables.map(([name, value]) => `${name}=${dotenvQuote(value)}\n`).join("");
    case "json":
      return `${JSON.stringify(Object.fromEntries(variables), null, 2)}\n`;
    default: {
      const never: never = format;
      return never;
    }
  }
}
