/*
 * Jest globalSetup: makes sure a real kube-apiserver is running and tells the
 * test workers where its kubeconfigs are.
 *
 * - If WIDE_EP_TEST_KUBECONFIG is set, that cluster is used as is.
 * - Otherwise test/cluster/up is run. It starts etcd + kube-apiserver (or
 *   re-uses a running pair), installs the CRDs and prints the admin
 *   kubeconfig path as its last stdout line.
 *
 * process.env set here reaches the workers, which are started afterwards.
 *
 * There is deliberately no globalTeardown: other suites share the cluster,
 * and the repo's test script runs test/cluster/down once at the end.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const UP_TIMEOUT_MS = 30 * 60 * 1000; // a first run builds kube-apiserver from source

module.exports = async function globalSetup() {
  if (!process.env.WIDE_EP_TEST_KUBECONFIG) {
    // Test-only code that is never bundled, so __dirname is the source dir.
    // eslint-disable-next-line no-restricted-syntax
    const up = path.resolve(__dirname, '../../cluster/up');
    if (!fs.existsSync(up)) {
      throw new Error(
        `integration tests need a cluster: ${up} is missing; set WIDE_EP_TEST_KUBECONFIG to use another cluster`,
      );
    }
    // stderr is inherited so the progress of a long first build is visible.
    const stdout = execFileSync(up, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: UP_TIMEOUT_MS,
    });
    const kubeconfig = stdout.trim().split('\n').pop();
    if (
      !kubeconfig ||
      !path.isAbsolute(kubeconfig) ||
      !fs.existsSync(kubeconfig)
    ) {
      throw new Error(
        `test/cluster/up did not print a kubeconfig path as its last line (got "${kubeconfig}")`,
      );
    }
    process.env.WIDE_EP_TEST_KUBECONFIG = kubeconfig;
  }
  loadEnvFile(
    path.join(path.dirname(process.env.WIDE_EP_TEST_KUBECONFIG), 'env'),
  );
};

// Reads the `export NAME=value` lines up writes (WIDE_EP_RESTRICTED_KUBECONFIG,
// WIDE_EP_ALLOWED_NAMESPACE, ...) without overriding what the caller set.
// Values are paths and names written with printf %q, which leaves them bare.
function loadEnvFile(file) {
  if (!fs.existsSync(file)) {
    return;
  }
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]] === undefined) {
      process.env[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
    }
  }
}
