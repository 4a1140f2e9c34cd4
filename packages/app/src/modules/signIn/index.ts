export {
  signInModule,
  readSignInProviders,
  SIGN_IN_PROVIDER_IDS,
} from './signInModule';
export type { SignInProviderId } from './signInModule';
