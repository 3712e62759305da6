// THE chat format, used everywhere a prompt and a response meet (SFT, reward model, PPO,
// generation, the playground):
//
//   [bos] (role-tokens content [eos])*  [role-tokens(assistant)]   <- with addGenerationPrompt
//
// The tokens a model is trained to produce are the content and the closing eos of assistant
// messages: responseMask marks them, responseSpan is the last assistant message's [start, end).

import type { Role, Tokenizer } from './types';

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface EncodedChat {
  ids: number[];
  /** 1 on tokens of assistant messages (content and closing eos), 0 elsewhere. */
  responseMask: number[];
  /** [start, end) of the last assistant message's tokens (content + eos); [n, n] with a generation prompt. */
  responseSpan: [number, number];
}

export function encodeChat(tok: Tokenizer, messages: readonly ChatMessage[], o: { addGenerationPrompt?: boolean } = {}): EncodedChat {
  const ids = [tok.bos];
  const mask = [0];
  let span: [number, number] = [ids.length, ids.length];
  const push = (xs: number[], m: number) => {
    for (const x of xs) {
      ids.push(x);
      mask.push(m);
    }
  };
  for (const msg of messages) {
    push(tok.roleTokens(msg.role), 0);
    const start = ids.length;
    const isResponse = msg.role === 'assistant' ? 1 : 0;
    push(tok.encode(msg.content), isResponse);
    push([tok.eos], isResponse);
    if (isResponse) span = [start, ids.length];
  }
  if (o.addGenerationPrompt) {
    push(tok.roleTokens('assistant'), 0);
    span = [ids.length, ids.length];
  }
  return { ids, responseMask: mask, responseSpan: span };
}

/** A single-turn prompt (and response) in the chat format. */
export function encodePromptResponse(tok: Tokenizer, prompt: string, response?: string): EncodedChat {
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  if (response === undefined) return encodeChat(tok, messages, { addGenerationPrompt: true });
  return encodeChat(tok, [...messages, { role: 'assistant', content: response }]);
}
