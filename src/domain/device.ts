/** A target system (DESIGN.md §1). */
export interface Device {
  readonly id: string;
  /** Unique. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly type: string | null;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly site: string | null;
  readonly tags: readonly string[];
  /** Pinned SSH host key as `algorithm base64`, recorded on first use or registered. */
  readonly hostKey: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewDevice = Omit<Device, 'id' | 'createdAt' | 'updatedAt' | 'tags' | 'hostKey' | 'port' | 'type' | 'vendor' | 'model' | 'site'> &
  Partial<Pick<Device, 'tags' | 'hostKey' | 'port' | 'type' | 'vendor' | 'model' | 'site'>>;
