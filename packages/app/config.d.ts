export interface Config {
  app?: {
    /**
     * Sign-in providers the sign-in page offers, in this order. Default
     * `['guest']` (local development). Production sets `['github']`, which
     * needs `auth.providers.github` in the backend configuration.
     * @visibility frontend
     */
    signInProviders?: Array<'guest' | 'github'>;
  };
}
