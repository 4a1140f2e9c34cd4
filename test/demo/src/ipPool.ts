/**
 * Hands out loopback addresses as SIMULATED pod IPs. Linux routes all of
 * 127.0.0.0/8 to the loopback interface, so a simulated vLLM rank can bind
 * 127.0.0.23:8200 while another pod's rank binds 127.0.0.24:8200.
 */
export class LoopbackIpPool {
  private readonly free: string[] = [];
  private readonly taken = new Set<string>();

  /** Addresses `<prefix>.<first>` … `<prefix>.<last>`, e.g. 127.0.0.10 … 127.0.0.250. */
  constructor(
    options: { prefix?: string; first?: number; last?: number } = {},
  ) {
    const prefix = options.prefix ?? '127.0.0';
    const first = options.first ?? 10;
    const last = options.last ?? 250;
    if (!/^127\.\d{1,3}\.\d{1,3}$/.test(prefix)) {
      throw new Error(
        `pod IP prefix must be a 127.x.y loopback prefix, got "${prefix}"`,
      );
    }
    if (!(first >= 1 && last <= 254 && first <= last)) {
      throw new Error(`pod IP range ${first}..${last} must lie within 1..254`);
    }
    for (let i = first; i <= last; i++) this.free.push(`${prefix}.${i}`);
  }

  /** The lowest free address; throws when the pool is exhausted. */
  take(): string {
    const ip = this.free.shift();
    if (!ip) {
      throw new Error(
        `no free loopback pod IP left (${this.taken.size} in use); delete a deployment first`,
      );
    }
    this.taken.add(ip);
    return ip;
  }

  /** Returns an address; unknown or already free addresses are ignored. */
  release(ip: string | undefined): void {
    if (!ip || !this.taken.delete(ip)) return;
    // Keep the free list sorted so addresses are reused lowest first.
    const key = (a: string) => Number(a.split('.')[3]);
    const at = this.free.findIndex(f => key(f) > key(ip));
    if (at < 0) this.free.push(ip);
    else this.free.splice(at, 0, ip);
  }

  get inUse(): number {
    return this.taken.size;
  }
}
