/**
 * The environment variables that hold a vault key or its passphrase. The CLI
 * deletes them from its own environment as soon as it has read them, so no
 * program it starts inherits them, and `run` never hands them to the child.
 */
export const KEY_ENV_VARS: readonly string[] = ["AUTHSOME_MASTER_KEY", "AUTHSOME_PASSPHRASE"];
