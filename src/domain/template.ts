export const TEMPLATE_TYPES = ['password_change', 'verify', 'reconcile', 'task'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

/** A named template; its source lives in immutable versions. */
export interface Template {
  readonly id: string;
  /** Unique. */
  readonly name: string;
  readonly type: TemplateType;
  /** Executor dialect: `ssh`, `local`, `postgres`, `mysql`, `http`. */
  readonly executor: string;
  readonly latestVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Every save is a new version; operations pin the version they ran. */
export interface TemplateVersion {
  readonly templateId: string;
  readonly version: number;
  readonly source: string;
  readonly author: string;
  readonly createdAt: number;
}
