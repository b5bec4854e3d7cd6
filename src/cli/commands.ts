/**
 * The command table: each command's help and flags (command_specs.ts) with a
 * literal dynamic import of its code, so that `deno compile` embeds it and
 * start-up loads only the command that runs. `command` checks that the
 * module's `run` takes the flags its spec declares.
 */

import { command, type CommandSpec } from "./command.ts";
import * as specs from "./command_specs.ts";

/** Every command, in the order help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  command(specs.loginSpec, () => import("./commands/login.ts")),
  command(specs.logoutSpec, () => import("./commands/logout.ts")),
  command(specs.listSpec, () => import("./commands/list.ts")),
  command(specs.inspectSpec, () => import("./commands/inspect.ts")),
  command(specs.setDefaultSpec, () => import("./commands/set_default.ts")),
  command(specs.exportSpec, () => import("./commands/export.ts")),
  command(specs.runSpec, () => import("./commands/run.ts")),
  command(specs.logSpec, () => import("./commands/log.ts")),
  command(specs.vaultRekeySpec, () => import("./commands/vault_rekey.ts")),
  command(specs.doctorSpec, () => import("./commands/doctor.ts")),
  command(specs.providersValidateSpec, () => import("./commands/providers_validate.ts")),
  command(specs.providersApproveSpec, () => import("./commands/providers_approve.ts")),
  command(specs.policyCheckSpec, () => import("./commands/policy_check.ts")),
  command(specs.certPathSpec, () => import("./commands/cert_path.ts")),
  command(specs.certExportSpec, () => import("./commands/cert_export.ts")),
  command(specs.certStatusSpec, () => import("./commands/cert_status.ts")),
  command(specs.certInstallSpec, () => import("./commands/cert_install.ts")),
  command(specs.certUninstallSpec, () => import("./commands/cert_uninstall.ts")),
  command(specs.certRotateSpec, () => import("./commands/cert_rotate.ts")),
];
