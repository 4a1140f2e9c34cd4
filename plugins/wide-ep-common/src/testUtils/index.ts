/**
 * Operator emulation for tests, benchmarks and the local demo: pods built
 * the way LeaderWorkerSet and Grove build them from rendered workloads.
 * Import from `@internal/plugin-wide-ep-common/testUtils`.
 * @packageDocumentation
 */
export * from './operatorPods';
