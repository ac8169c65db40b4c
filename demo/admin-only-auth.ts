// The seed page's "custom authorization" example, verbatim except for the import path: the demo
// runs from source, so it imports '../src' where an app imports '@mastra/auth-workos'.
import { MastraAuthWorkos, type WorkOSUser } from '../src';

export class AdminOnlyWorkosAuth extends MastraAuthWorkos {
  async authorizeUser(user: WorkOSUser) {
    return user?.metadata?.role === 'admin';
  }
}
