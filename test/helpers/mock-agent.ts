import { Agent } from '@mastra/core/agent';
import type { RequestContext } from '@mastra/core/request-context';
import { createMockModel } from '@mastra/core/test-utils/llm-mock';

export interface MockAgentOptions {
  id: string;
  /** The model's fixed answer, or one computed from the request context (who is asking). */
  reply: string | ((requestContext: RequestContext) => string);
  /** Called with the request context each time Mastra resolves the agent's instructions. */
  onInstructions?: (requestContext: RequestContext) => void;
}

/** An agent with a mock model: no network, deterministic text. */
export function createMockAgent(options: MockAgentOptions): Agent {
  const { id, reply, onInstructions } = options;
  return new Agent({
    id,
    name: id,
    instructions: ({ requestContext }) => {
      onInstructions?.(requestContext);
      return `You are ${id}.`;
    },
    model: ({ requestContext }) =>
      createMockModel({ mockText: typeof reply === 'string' ? reply : reply(requestContext) }),
  });
}
