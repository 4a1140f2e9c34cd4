import { classifyWatchError } from './classifyWatchError';
import { WATCHED_KINDS, WatchKey } from './types';

const key: WatchKey = {
  cluster: 'prod',
  namespace: 'llm-d',
  kind: WATCHED_KINDS.leaderWorkerSet,
  labelSelector: 'a=b',
};

describe('classifyWatchError', () => {
  it.each([
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), {
        code: 'ECONNREFUSED',
      }),
      'unreachable',
      'cluster "prod" could not be reached (ECONNREFUSED) while trying to list LeaderWorkerSet objects in namespace "llm-d"',
    ],
    [
      Object.assign(new Error('Premature close'), {
        code: 'ERR_STREAM_PREMATURE_CLOSE',
      }),
      'unreachable',
      'cluster "prod" dropped the connection while watching LeaderWorkerSet objects in namespace "llm-d"',
    ],
    [
      Object.assign(new Error('Service Unavailable'), { statusCode: 503 }),
      'unreachable',
      'cluster "prod" is unavailable (HTTP 503) while trying to list LeaderWorkerSet objects in namespace "llm-d": HTTP 503',
    ],
    [
      Object.assign(new Error('Internal Server Error'), { statusCode: 500 }),
      'failed',
      'failed to list LeaderWorkerSet objects in namespace "llm-d" on cluster "prod": HTTP 500: HTTP 500',
    ],
    [
      Object.assign(new Error('Not Found'), { code: 404, body: '{}' }),
      'notServed',
      'cluster "prod" does not serve LeaderWorkerSet (leaderworkerset.x-k8s.io/v1); its CRD may not be installed',
    ],
    [
      Object.assign(new Error('Unauthorized'), { statusCode: 401 }),
      'forbidden',
      'cluster "prod" does not allow listing and watching leaderworkersets in namespace "llm-d" (HTTP 401); grant the cluster identity list and watch on leaderworkersets',
    ],
  ])('%s → %s', (error, reason, message) => {
    expect(classifyWatchError(error, key, 42)).toEqual({
      reason,
      message,
      since: 42,
    });
  });

  it('never repeats the raw error (which may carry URLs and bodies)', () => {
    const raw = Object.assign(
      new Error(
        'request to https://10.0.0.1/apis/x?labelSelector=a failed, reason: connect ECONNRESET',
      ),
      { code: 'ECONNRESET' },
    );
    expect(classifyWatchError(raw, key, 0).message).not.toContain('request to');
  });
});
