/**
 * Test doubles for the wide-EP node services: an in-memory `KubeClient` and
 * a manual `Clock`. Import from `@internal/plugin-wide-ep-node/testUtils`.
 * @packageDocumentation
 */
export * from './FakeKubeClient';
export * from './ManualClock';
