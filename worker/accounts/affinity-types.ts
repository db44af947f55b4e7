// What travels on a lease call for prompt-cache affinity (issue 14): which channel served a
// conversation's latest turn, and when. The isolate reports its own (LeaseInput.conversations);
// the account object answers with the user's updates from every isolate since the isolate's
// cursor (LeaseResult.conversations), so a conversation stays warm whichever isolate its next
// turn lands in, without a call of its own.

export interface ConversationServed {
  /** The conversation key (worker/conversation/conversation-key.ts). */
  key: string;
  channel_id: string;
  /** Epoch ms of the latest turn's success. */
  served_at: number;
}

/**
 * How long a conversation is remembered: the longest prompt cache a provider offers (Anthropic's
 * one-hour cache). Whether it is still warm on a channel is the router's question (isWarm, with
 * the channel's own cache_ttl_s); after this nothing is.
 */
export const CONVERSATION_MEMORY_MS = 60 * 60_000;

/** Conversations the account object keeps per user (the most recently served). */
export const CONVERSATIONS_PER_USER = 64;

/** Fields a lease call carries for affinity (LeaseInput). */
export interface AffinityReport {
  conversations?: ConversationServed[];
  /** The object's cursor the isolate last saw (AffinityAnswer.conversations_cursor); absent: send everything. */
  conversations_since?: string;
}

/** Fields a lease answer carries for affinity (LeaseResult, when ok). */
export interface AffinityAnswer {
  conversations?: ConversationServed[];
  conversations_cursor?: string;
}
