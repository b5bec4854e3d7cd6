/**
 * The provider definition format, as zod schemas. Strict objects everywhere:
 * an unknown field is an error, so a typo can never silently turn injection
 * off. TypeScript types come from the schema through `z.infer`.
 */

import { z } from "zod";

/** A provider name: used as a file name and on the command line. */
export const providerName = z.string().regex(
  /^[a-z0-9][a-z0-9_-]{0,63}$/,
  "must be 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit",
);

/** A credential field name, referenced as `{name}` in templates. */
const fieldName = z.string().regex(
  /^[a-z][a-z0-9_]{0,63}$/,
  "must be lowercase letters, digits and '_', starting with a letter",
);

/** An HTTP header name (RFC 9110 token). */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name");

/** An environment variable name. */
const envName = z.string().regex(
  /^[A-Za-z_][A-Za-z0-9_]*$/,
  "must be an environment variable name",
);

/** A text that may name credential fields as `{field}`. */
const template = z.string().regex(/^[^\r\n\0]*$/, "must not contain line breaks or NUL");

/** An https URL, optionally with `{base_url}` templating. */
const endpoint = z.string().refine(
  (value) =>
    /^(https:\/\/|\{base_url\})/.test(value) ||
    /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(value),
  "must be an https:// URL or start with {base_url}",
);

/** A regular expression given as text. */
const pattern = z.string().refine((value) => {
  try {
    new RegExp(value);
    return true;
  } catch {
    return false;
  }
}, "must be a valid regular expression");

/** Where the credential goes in each request. */
export const injectionSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("header"),
    name: headerName,
    prefix: template.optional(),
    field: fieldName.optional(),
  }),
  z.strictObject({
    type: z.literal("basic"),
    username: template,
    password: template,
  }),
  z.strictObject({
    type: z.literal("query"),
    name: z.string().regex(/^[A-Za-z0-9_.~-]+$/, "must be a URL query parameter name"),
    field: fieldName.optional(),
  }),
]);

/** A host list as `api_url` takes it: one entry or several. */
const apiUrls = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** An injection, or several applied together. */
const injections = z.union([injectionSchema, z.array(injectionSchema).min(1)]);

/**
 * An extra route whose requests get the credential in their own way, such as
 * git over HTTPS on a web host: `api_url` as the provider's, `paths` (each a
 * pattern where `*` stands for part of one segment and a `**` segment for any
 * number of segments) limiting it to those paths, and the `injection` it
 * applies instead of the provider's.
 */
export const routeSchema = z.strictObject({
  api_url: apiUrls,
  paths: z.array(z.string()).min(1).optional(),
  injection: injections.optional(),
});

/** An extra credential field a login asks for (user, account id, datacenter, second key). */
export const fieldSchema = z.strictObject({
  name: fieldName,
  label: z.string().min(1),
  secret: z.boolean().default(false),
  pattern: pattern.optional(),
  hint: z.string().optional(),
  default: z.string().optional(),
});

/** How an API key is recognised, and what to tell a user whose key does not look right. */
export const apiKeySchema = z.strictObject({
  pattern: pattern.optional(),
  hint: z.string().optional(),
});

/** The OAuth2 endpoints and settings of a provider. */
export const oauthSchema = z.strictObject({
  base_url: z.string().url().optional(),
  authorization_url: endpoint.optional(),
  token_url: endpoint.optional(),
  device_authorization_url: endpoint.optional(),
  revocation_url: endpoint.optional(),
  registration_url: endpoint.optional(),
  discovery_url: endpoint.optional(),
  scopes: z.array(z.string().min(1)).default([]),
  scope_separator: z.string().default(" "),
  token_endpoint_auth_method: z.enum(["client_secret_post", "client_secret_basic", "none"])
    .default("client_secret_post"),
  flows: z.array(z.enum(["pkce", "device_code", "client_credentials"])).min(1).optional(),
  client_id: z.string().optional(),
  redirect_port: z.number().int().min(1024).max(65535).optional(),
  /** The page where a user registers an OAuth app (a client id) with the provider. */
  app_registration_url: endpoint.optional(),
  /** The page where a user makes a token the API takes as it is (`login --flow api_key`). */
  personal_token_url: endpoint.optional(),
  dynamic_registration: z.boolean().default(false),
});

/** The fields that must never be exported. */
const unexportable = new Set(["refresh_token", "client_secret"]);

/** One provider definition, as written in a provider JSON file. */
export const providerFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: providerName,
  display_name: z.string().min(1),
  description: z.string().optional(),
  auth_type: z.enum(["api_key", "oauth2"]),
  api_url: apiUrls.optional(),
  host_url: apiUrls.optional(),
  injection: injections,
  /** Further routes, each with its own paths and injection. */
  routes: z.array(routeSchema).default([]),
  placeholders: z.array(envName).default([]),
  /** Other places the provider takes the same credential: a placeholder the child put there gets it. */
  accepts: z.array(injectionSchema).default([]),
  fields: z.array(fieldSchema).default([]),
  api_key: apiKeySchema.optional(),
  oauth: oauthSchema.optional(),
  export: z.record(envName, fieldName).default({}).refine(
    (mapping) => Object.values(mapping).every((field) => !unexportable.has(field)),
    "must not export refresh_token or client_secret",
  ),
  docs_url: z.string().url(),
});

/** A provider file as parsed, before `api_url` is compiled into routes. */
export type ProviderFile = z.infer<typeof providerFileSchema>;
/** One injection rule. */
export type Injection = z.infer<typeof injectionSchema>;
/** One extra credential field. */
export type FieldSpec = z.infer<typeof fieldSchema>;
/** The OAuth2 block. */
export type OAuthSpec = z.infer<typeof oauthSchema>;
