/**
 * `eventfold/testing`: given/when/then helpers for deciders and projectors, and fixtures for tests
 * of code built on Eventfold. Never imported by the main entry.
 */

export type {
  DeciderSpec,
  DeciderThen,
  DeciderWhen,
  ExpectedEvent,
  RejectionMatcher,
} from './decider-spec.js';
export { deciderSpec } from './decider-spec.js';
