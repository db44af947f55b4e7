// A streamed OpenAI Responses answer: typed SSE events (`event: <type>` and a data line whose
// JSON repeats the type and carries a sequence_number from 0), in the order the API sends
// them: created, in_progress, then per output item added → deltas → done, then completed
// (or incomplete when max_output_tokens cut it). No [DONE] line: the terminal event ends it.
import type { ReplyPlan } from '../reply-plan';
import { splitChunks } from '../reply-plan';
import { outputItems, type AnswerItems } from './responses-output';
import type { DialectReply, StreamFrame } from './types';

class EventWriter {
  readonly frames: StreamFrame[] = [];
  private sequence = 0;

  event(type: string, data: object, tokens = 0): void {
    const json = JSON.stringify({ type, sequence_number: this.sequence++, ...data });
    this.frames.push({ text: `event: ${type}\ndata: ${json}\n\n`, tokens });
  }

  reply(): DialectReply {
    return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames: this.frames };
  }
}

export function responsesStream(plan: ReplyPlan, head: Record<string, unknown>, answer: AnswerItems, usage: object | undefined): DialectReply {
  const writer = new EventWriter();
  const start = { ...head };
  if (!usage) delete start.usage;
  writer.event('response.created', { response: start });
  writer.event('response.in_progress', { response: start });
  const incomplete = plan.finish === 'length';
  const status = incomplete ? 'incomplete' : 'completed';
  const finals = outputItems(answer, status);
  let outputIndex = 0;
  if (answer.reasoning) {
    const { id, summary } = answer.reasoning;
    const at = { item_id: id, output_index: outputIndex, summary_index: 0 };
    writer.event('response.output_item.added', { output_index: outputIndex, item: { id, type: 'reasoning', summary: [] } });
    writer.event('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
    for (const token of plan.reasoning) writer.event('response.reasoning_summary_text.delta', { ...at, delta: token }, 1);
    writer.event('response.reasoning_summary_text.done', { ...at, text: summary });
    writer.event('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: summary } });
    writer.event('response.output_item.done', { output_index: outputIndex, item: finals[outputIndex] });
    outputIndex += 1;
  }
  if (answer.message && plan.content.type === 'text') {
    const { id, text } = answer.message;
    const at = { item_id: id, output_index: outputIndex, content_index: 0 };
    writer.event('response.output_item.added', { output_index: outputIndex, item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
    writer.event('response.content_part.added', { ...at, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
    for (const token of plan.content.tokens) writer.event('response.output_text.delta', { ...at, delta: token, logprobs: [] }, 1);
    writer.event('response.output_text.done', { ...at, text, logprobs: [] });
    writer.event('response.content_part.done', { ...at, part: { type: 'output_text', annotations: [], logprobs: [], text } });
    writer.event('response.output_item.done', { output_index: outputIndex, item: finals[outputIndex] });
  }
  if (answer.call) {
    const { id, callId, name } = answer.call;
    const at = { item_id: id, output_index: outputIndex };
    writer.event('response.output_item.added', { output_index: outputIndex, item: { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name } });
    for (const piece of splitChunks(answer.call.arguments)) writer.event('response.function_call_arguments.delta', { ...at, delta: piece }, 1);
    writer.event('response.function_call_arguments.done', { ...at, arguments: answer.call.arguments });
    writer.event('response.output_item.done', { output_index: outputIndex, item: finals[outputIndex] });
  }
  const final: Record<string, unknown> = { ...head, status, incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null, output: finals, usage };
  if (!usage) delete final.usage;
  writer.event(incomplete ? 'response.incomplete' : 'response.completed', { response: final });
  return writer.reply();
}

/** A response that fails before its first token: created, in_progress, then response.failed. */
export function failedStream(head: Record<string, unknown>, error: { code: string; message: string }): DialectReply {
  const writer = new EventWriter();
  writer.event('response.created', { response: head });
  writer.event('response.in_progress', { response: head });
  writer.event('response.failed', { response: { ...head, status: 'failed', error } });
  return writer.reply();
}
