import { mockApis } from '@backstage/frontend-test-utils';
import { readSignInProviders } from './signInModule';

const read = (app: object) =>
  readSignInProviders(mockApis.config({ data: { app } }));

describe('readSignInProviders', () => {
  it('defaults to guest', () => {
    expect(read({})).toEqual(['guest']);
  });

  it('keeps the configured providers in order', () => {
    expect(read({ signInProviders: ['github', 'guest'] })).toEqual([
      'github',
      'guest',
    ]);
  });

  it('refuses an unknown provider, naming the key', () => {
    expect(() => read({ signInProviders: ['githb'] })).toThrow(
      'app.signInProviders: unknown provider "githb"; use guest or github',
    );
  });

  it('refuses an empty list', () => {
    expect(() => read({ signInProviders: [] })).toThrow(
      'app.signInProviders: name at least one provider',
    );
  });
});
