/**
 * Formats for `authsome export`: `env` (NAME=value, quoted only where the
 * shell needs it), `shell` (`export NAME='value'`), `dotenv` and `json`.
 * Pure; every shell form survives `eval` in bash and zsh byte for byte.
 */

/** The export formats. */
export type ExportFormat = "env" | "shell" | "dotenv" | "json";

/** The export formats, for validation and help. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ["env", "shell", "dotenv", "json"];

/** Quotes a value for POSIX shells: single quotes, with `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : shellQuote(value);
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
      return variables.map(([name, value]) => `${name}=${shellWord(value)}\n`).join("");
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
