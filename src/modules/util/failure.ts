/** A module's own failure (Ansible's fail_json): the message and the extra fields Ansible returns with it. */
export class ModuleFailure extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ModuleFailure";
  }
}
