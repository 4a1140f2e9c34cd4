import type { PermissionsService } from '@backstage/backend-plugin-api';

/** A permissions service answering every request with one decision. */
export function fakePermissions(
  result: 'ALLOW' | 'DENY',
): PermissionsService & { authorize: jest.Mock } {
  return {
    authorize: jest.fn(async (requests: unknown[]) =>
      requests.map(() => ({ result })),
    ),
    authorizeConditional: jest.fn(),
  } as unknown as PermissionsService & { authorize: jest.Mock };
}
