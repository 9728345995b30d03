/** One system's run over every host in one round. */
export interface FanoutResult {
  /** `ostiary`, `ansible`, `openssh`. */
  readonly key: string;
  readonly system: string;
  /** From the submit (or launch) to the last success. */
  readonly wallMs: number;
  readonly succeeded: number;
  readonly hosts: number;
  /** Peak RSS of the process(es) doing the work, in MB; `null` when not measured. */
  readonly peakRssMb: number | null;
  /** CPU seconds of the clients (Ostiary's process; the ssh/ansible processes) during the round. */
  readonly clientCpuS: number;
  /** CPU seconds of the hosts' sshd processes and the sessions they ran, during the round. */
  readonly serverCpuS: number;
  /** Extra facts worth printing (retries, failures). */
  readonly note: string;
  readonly loadAverage: string;
}
