/** The test kit's server helper, as users get it from `@mastra/auth-workos/testing`. */
export { startMastraServer, type RunningMastraServer, type StartMastraServerOptions } from '../../src/testing';
