import type { KubernetesObject } from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Informer,
  InformerFactory,
  InformerHooks,
  WatchKey,
} from '../types';

type Handler = (arg: any) => void;

/** An informer over {@link FakeCluster} state: a start is one LIST plus one WATCH. */
export class FakeInformer implements Informer {
  running = false;
  stopped = false;
  private readonly handlers: Record<string, Handler[]> = {
    error: [],
    add: [],
    update: [],
    delete: [],
  };

  constructor(
    private readonly cluster: FakeCluster,
    readonly key: WatchKey,
    private readonly hooks: InformerHooks,
  ) {}

  async start(): Promise<void> {
    this.cluster.requests++;
    if (this.cluster.hangLists) {
      await new Promise<void>(() => {});
    }
    const failure =
      this.cluster.failure ?? this.cluster.failKind.get(this.key.kind.kind);
    if (failure) {
      this.emit('error', failure);
    } else {
      this.hooks.onList();
      this.cluster.requests++; // the WATCH that follows the LIST
      this.running = true;
    }
  }

  async stop() {
    this.stopped = true;
    this.running = false;
  }

  list(): KubernetesObject[] {
    return this.cluster.objects(this.key);
  }

  on(verb: string, cb: Handler) {
    this.handlers[verb].push(cb);
  }

  /** What client-node's ListWatch does when its watch breaks. */
  emit(verb: 'error', arg: unknown) {
    for (const h of this.handlers[verb]) h(arg);
  }
}

/** A pretend API server: objects by selector, an outage switch, and a request counter. */
export class FakeCluster {
  requests = 0;
  failure: unknown;
  /** Per-kind failures, e.g. a CRD that is not installed. */
  readonly failKind = new Map<string, unknown>();
  hangLists = false;
  readonly informers: FakeInformer[] = [];
  private readonly store = new Map<string, KubernetesObject[]>();

  set(labelSelector: string, objects: KubernetesObject[]) {
    this.store.set(labelSelector, objects);
  }

  objects(key: WatchKey): KubernetesObject[] {
    return this.store.get(key.labelSelector) ?? [];
  }

  /** The API server goes away: open watches break, new lists fail. */
  goDown(
    error: unknown = Object.assign(
      new Error('connect ECONNREFUSED 127.0.0.1:16443'),
      { code: 'ECONNREFUSED' },
    ),
  ) {
    this.failure = error;
    for (const i of this.live) i.emit('error', error);
  }

  comeBack() {
    this.failure = undefined;
  }

  get live(): FakeInformer[] {
    return this.informers.filter(i => i.running && !i.stopped);
  }

  factory: InformerFactory = async (key, hooks) => {
    const informer = new FakeInformer(this, key, hooks);
    this.informers.push(informer);
    return informer;
  };
}

/** Records log lines; children share the record and add their fields. */
export function recordingLogger(
  lines: { level: string; message: string; meta?: object }[] = [],
  meta: object = {},
): LoggerService & {
  lines: typeof lines;
} {
  const log = (level: string) => (message: string) =>
    lines.push({ level, message, meta });
  return {
    lines,
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: (fields: object) => recordingLogger(lines, { ...meta, ...fields }),
  } as LoggerService & { lines: typeof lines };
}
