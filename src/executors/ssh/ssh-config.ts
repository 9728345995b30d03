import { z } from 'zod';

/**
 * A device's settings for the `ssh` executor (`ExecutionContext.executorConfig`). None yet:
 * timeouts come from the operation and the template, the host key from the device. Strict,
 * so a misspelt setting is an `OST_VALIDATION` error rather than silently ignored.
 */
export const sshConfigSchema = z.object({}).strict();
