/**
 * The domain: Ostiary's vocabulary and rules, with no I/O.
 *
 * Glossary (DESIGN.md §1):
 * - **Device** — a target system: name, address, port, type/vendor/model, site, tags, pinned SSH host key.
 * - **Credential** — an account on a device; its secret lives in the vault.
 * - **Secret** — an encrypted, versioned value; it leaves the vault only inside an executor
 *   or through an audited reveal.
 * - **Executor** — a plugin for one protocol (`local`, `ssh`, `postgres`, …) that runs a template.
 * - **Template** — versioned source in an executor's dialect, with masks `[#NAME#]`.
 * - **Operation** — one confirmed unit of work on one target; the durable queue item and the report row.
 * - **Attempt** — one try of an operation, with outcome and redacted transcript.
 * - **Lease** — the time a worker owns a running operation; renewed by heartbeat, recovered when it lapses.
 * - **Outbox event** — a fact appended in the same transaction as the change it reports.
 */
export * from './attempt.js';
export * from './credential.js';
export * from './device.js';
export * from './errors.js';
export * from './ids.js';
export * from './operation.js';
export * from './operation-status.js';
export * from './outbox-event.js';
export * from './parse-input.js';
export * from './retry-policy.js';
export * from './secret.js';
export * from './template.js';
