/**
 * docs/reference/providers.md, rendered from the bundled provider files: one
 * row per provider with its API hosts, how the credential travels, its auth
 * type, its placeholders and the vendor's documentation. Pure: checked
 * definitions in, Markdown out.
 */

import { describeRoute, parseApiUrl } from "../../src/providers/api_url.ts";
import { injectionsOf, primaryField } from "../../src/providers/compile.ts";
import type { Injection, ProviderFile } from "../../src/providers/schema.ts";
import { GENERATED } from "./cli_reference.ts";
import { slug } from "./markdown.ts";

/** A table cell's code span, with `|` escaped for GitHub's tables. */
function code(text: string): string {
  return `\`${text.replaceAll("|", "\\|")}\``;
}

/** How one injection rule sends the credential, in the words `authsome inspect` uses. */
export function describeInjection(injection: Injection, definition: ProviderFile): string {
  const primary = primaryField(definition);
  switch (injection.type) {
    case "header":
      return `${injection.name}: ${injection.prefix ?? ""}{${injection.field ?? primary}}`;
    case "basic":
      return `Authorization: Basic base64(${injection.username}:${injection.password})`;
    case "query":
      return `?${injection.name}={${injection.field ?? primary}}`;
    default: {
      const never: never = injection;
      return never;
    }
  }
}

function hosts(definition: ProviderFile): string[] {
  const value = definition.api_url ?? definition.host_url ?? [];
  return (Array.isArray(value) ? value : [value]).map((entry) => describeRoute(parseApiUrl(entry)));
}

function authType(definition: ProviderFile): string {
  if (definition.auth_type !== "oauth2") return "API key";
  const flows = definition.oauth?.flows;
  return flows ? `OAuth2 (${flows.join(", ")})` : "OAuth2";
}

/** Hosts shown in a row; a provider with more lists them all below the table. */
const HOSTS_IN_ROW = 3;

function hostCell(definition: ProviderFile): string {
  const all = hosts(definition);
  if (all.length <= HOSTS_IN_ROW) return all.map(code).join(", ");
  const more = all.length - HOSTS_IN_ROW;
  return `${all.slice(0, HOSTS_IN_ROW).map(code).join(", ")} and [${more} more](#${
    slug(definition.name)
  })`;
}

function row(definition: ProviderFile): string {
  const cells = [
    `${code(definition.name)} ${definition.display_name.replaceAll("|", "\\|")}`,
    hostCell(definition),
    injectionsOf(definition).map((i) => code(describeInjection(i, definition))).join(" and "),
    authType(definition),
    definition.placeholders.map(code).join(", ") || "-",
    `[docs](${definition.docs_url})`,
  ];
  return `| ${cells.join(" | ")} |`;
}

/** One `routes[]` entry as a list item: its hosts, paths and how the credential is sent there. */
function extraRoutes(definition: ProviderFile): string[] {
  return definition.routes.map((route) => {
    const urls = Array.isArray(route.api_url) ? route.api_url : [route.api_url];
    const paths = route.paths ? ` on ${route.paths.map(code).join(", ")}` : "";
    const injections = route.injection === undefined
      ? injectionsOf(definition)
      : injectionsOf({ injection: route.injection });
    return `- ${code(definition.name)}: ${urls.map(code).join(", ")}${paths} as ${
      injections.map((i) => code(describeInjection(i, definition))).join(" and ")
    }`;
  });
}

/** The providers reference page, rows sorted by name. */
export function renderProvidersReference(definitions: readonly ProviderFile[]): string {
  const sorted = [...definitions].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return [
    "# Bundled providers",
    "",
    GENERATED,
    "",
    `authsome ships ${sorted.length} provider definitions, one file each in \`providers/\`. A request`,
    "to one of a provider's API hosts gets its credential once you have logged in to it",
    "(`authsome login NAME`); placeholders are the variables the program run by `authsome run` finds",
    "set to `authsome-proxy-managed`. `{api_key}`, `{access_token}` and the like are the fields of",
    "your connection. To change a definition or add your own, see",
    "[Provider definitions](../concepts/providers.md); for how hosts and paths are matched, see",
    "[Proxy injection](../concepts/proxy-injection.md).",
    "",
    "| Provider | API hosts | Credential sent as | Auth | Placeholders | Vendor docs |",
    "| --- | --- | --- | --- | --- | --- |",
    ...sorted.map(row),
    "",
    "## Routes with their own injection",
    "",
    "These routes (`routes` in the definition) get the same credential, sent another way, and only",
    "on the paths listed: web pages on those hosts get nothing.",
    "",
    ...sorted.flatMap(extraRoutes),
    "",
    "## Every host of providers with many",
    ...sorted.filter((d) => hosts(d).length > HOSTS_IN_ROW).flatMap((d) => [
      "",
      `### ${d.name}`,
      "",
      hosts(d).map(code).join(", "),
    ]),
    "",
  ].join("\n");
}
