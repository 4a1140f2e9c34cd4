import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import wideEpPlugin from '@internal/plugin-wide-ep/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

// Plugins listed here are also found by `app.packages: all` discovery; the app
// keeps one instance per plugin id, so listing them only makes them load
// where discovery is off (tests, `app.packages` include lists).
export const appFeatures = [
  catalogPlugin,
  wideEpPlugin,
  navModule,
  homeModule,
  signInModule,
];

export default createApp({ features: appFeatures });
