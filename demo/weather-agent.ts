import { Agent } from '@mastra/core/agent';
import { createMockModel } from '@mastra/core/test-utils/llm-mock';
import type { WorkOSUser } from '../src';

/**
 * The seed page's `weatherAgent`, with a mock model so the demo needs no network or LLM key.
 * The answer names the signed-in user, read from the request context where Mastra's auth
 * middleware put the user our provider resolved.
 */
export const weatherAgent = new Agent({
  id: 'weatherAgent',
  name: 'weatherAgent',
  instructions: 'You are a helpful weather assistant.',
  model: ({ requestContext }) => {
    const user = requestContext.get('user') as WorkOSUser | undefined;
    return createMockModel({
      mockText: `Sunny and 24 °C with a light breeze (mock forecast for ${user?.name ?? 'an anonymous caller'}).`,
    });
  },
});

/** A second agent for the FGA part of the demo: registered in WorkOS, but the member holds no role on it. */
export const vaultAgent = new Agent({
  id: 'vaultAgent',
  name: 'vaultAgent',
  instructions: 'You guard the forecast archive.',
  model: createMockModel({ mockText: 'The archive is open.' }),
});
