/** `infra docs`: backup_restore.md and backup_sla.md rendered from the repository, and the drill that runs them. */
export { loadDocModel, DEFAULT_ZONE, type DocOptions } from "./load-model.js";
export { renderDocument, TEMPLATE_DIR } from "./render.js";
export { compareDocument, type Staleness } from "./compare.js";
export { SERVICES, serviceById, type ServiceDef } from "./services.js";
export type { DocModel, ServiceDoc, JobDoc } from "./model.js";
