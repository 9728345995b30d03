/**
 * The Task Manager (DESIGN §6): tasks anyone allowed can run — with a reason, maybe after
 * an approval, on a schedule — without knowing the credential or touching the device.
 * Pure rules live in `schedule/`, `access/`, `approval/`, `task/`, `run/`; the services
 * below put them over the store.
 */
export * from './task-manager-deps.js';
export { TaskService, bindingOf } from './task/task-service.js';
export { RunService, type RunView } from './run/run-service.js';
export { ScheduleService, previewFireTimes } from './schedule/schedule-service.js';
export { ReportService, STATUS_COLOURS, type OperationReportRow, type DashboardReport } from './report/report-service.js';
export { Scheduler, type SchedulerOptions, type SchedulerPass } from './scheduler.js';
export { parseAccessGroup, DEFAULT_ACCESS_RULES, type AccessGroup } from './access/access-group.js';
export { parseReasonInput, parseReasonChanges, REASON_TYPES, type Reason } from './reason/reason.js';
export { parseScheduleRule, type ScheduleRule } from './schedule/schedule-rule.js';
export { nextFireTimes } from './schedule/fire-times.js';
export { DEFAULT_GRACE_MS } from './schedule/missed-fires.js';
