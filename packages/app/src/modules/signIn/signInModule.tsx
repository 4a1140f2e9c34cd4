import {
  SignInPage,
  type SignInProviderConfig,
} from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  type SignInPageProps,
} from '@backstage/plugin-app-react';

/** Sign-in providers the page can offer (`app.signInProviders`). */
export const SIGN_IN_PROVIDER_IDS = ['guest', 'github'] as const;
export type SignInProviderId = (typeof SIGN_IN_PROVIDER_IDS)[number];

const githubProvider: SignInProviderConfig = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in using GitHub',
  apiRef: githubAuthApiRef,
};

/**
 * `app.signInProviders`, default `['guest']` (local development). Throws,
 * naming the key, for a provider the page does not know: better no sign-in
 * page than a silent fallback to guest.
 */
export function readSignInProviders(config: {
  getOptionalStringArray(key: string): string[] | undefined;
}): SignInProviderId[] {
  const ids = config.getOptionalStringArray('app.signInProviders') ?? ['guest'];
  for (const id of ids) {
    if (!(SIGN_IN_PROVIDER_IDS as readonly string[]).includes(id)) {
      throw new Error(
        `app.signInProviders: unknown provider "${id}"; use ${SIGN_IN_PROVIDER_IDS.join(
          ' or ',
        )}`,
      );
    }
  }
  if (ids.length === 0) {
    throw new Error('app.signInProviders: name at least one provider');
  }
  return ids as SignInProviderId[];
}

/** The sign-in page with the providers `app.signInProviders` names. */
export function ConfiguredSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const providers = readSignInProviders(config).map(id =>
    id === 'github' ? githubProvider : ('guest' as const),
  );
  return <SignInPage {...props} providers={providers} />;
}

/**
 * Replaces the app plugin's default sign-in page (guest only): GitHub in
 * production, guest in local development, as `app.signInProviders` says.
 */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () => ConfiguredSignInPage,
      },
    }),
  ],
});
