import type { PublicKey } from '@safety-net/core';
import { ovError } from '../errors.js';
import type { Scope } from '../messages/override-signal.js';

/** An agent the control plane knows: how to reach it, how to verify it, and what it belongs to (spec §7.5). */
export interface AgentRegistration {
  /** The agent's id: the `iss` of its acknowledgements, the target of agent-scoped signals. */
  readonly id: string;
  /** The agent's public key: its acknowledgements verify under it, and escalation revokes it (spec §11). */
  readonly key: PublicKey;
  /** Its override endpoint `E` (spec §7.1), e.g. `https://agent.example/.well-known/safety-net/override`. */
  readonly endpoint?: string;
  /** The failure domains it belongs to. */
  readonly domains?: readonly string[];
  /** The workflows it holds tasks of. */
  readonly workflows?: readonly string[];
  /** The tasks it runs. */
  readonly tasks?: readonly string[];
  /** The agents that consume its outputs: the peers escalation opens breakers at (spec §11). */
  readonly peers?: readonly string[];
}

/** The agents a control plane knows, and the scope resolution of spec §7.5. */
export class AgentRegistry {
  readonly #agents = new Map<string, AgentRegistration>();

  /** Adds an agent, or replaces what was known of it. */
  register(agent: AgentRegistration): void {
    if (typeof agent?.id !== 'string' || agent.id.length === 0) throw ovError('ERR_OV_CONFIG_INVALID', 'agent id');
    if (typeof agent.key !== 'object' || agent.key === null) throw ovError('ERR_OV_CONFIG_INVALID', 'agent key');
    if (agent.endpoint !== undefined && !URL.canParse(agent.endpoint)) {
      throw ovError('ERR_OV_CONFIG_INVALID', `the endpoint of ${agent.id} is not a URL`);
    }
    this.#agents.set(agent.id, agent);
  }

  /** The ids of every known agent. */
  ids(): string[] {
    return [...this.#agents.keys()];
  }

  get(id: string): AgentRegistration | undefined {
    return this.#agents.get(id);
  }

  /**
   * The known agents of a scope: the agent itself; every agent with a task in the workflow; the agent running the
   * task; every agent of the domain.
   */
  resolve(scope: Scope): string[] {
    const all = [...this.#agents.values()];
    const of = (list: readonly string[] | undefined) => (list ?? []).includes(scope.target);
    switch (scope.kind) {
      case 'agent':
        return this.#agents.has(scope.target) ? [scope.target] : [];
      case 'workflow':
        return all.filter((a) => of(a.workflows)).map((a) => a.id);
      case 'task':
        return all.filter((a) => of(a.tasks)).map((a) => a.id);
      case 'domain':
        return all.filter((a) => of(a.domains)).map((a) => a.id);
    }
  }

  /** The agents whose failure domains include `domain`. */
  inDomain(domain: string): string[] {
    return [...this.#agents.values()].filter((a) => (a.domains ?? []).includes(domain)).map((a) => a.id);
  }
}
