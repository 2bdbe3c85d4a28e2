// Connector plugins as the respond stage uses them: ResponseConnectors like the built-in ones
// (in process, as those are), each call bounded by the plugin's declared time limit: its
// AbortSignal fires and the call fails, so the activity's retry policy decides what follows.
import type { ResponseConnector, ResponseContext } from '../connectors/response-connector';
import type { ResponseAction } from '../domain/response';
import type { Loaded } from './load-plugins';
import type { ConnectorPlugin } from './plugin-api';

/** Runs `call` with a signal that aborts after `timeMs`; rejects then, naming the plugin. */
async function withinLimit<T>(name: string, timeMs: number, ctx: ResponseContext, call: (ctx: ResponseContext) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call({ ...ctx, signal: abort.signal }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(new Error(`connector ${name}: no answer within its ${timeMs} ms time limit`));
        }, timeMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onOuterAbort);
  }
}

export function pluginConnector({ plugin }: Loaded<ConnectorPlugin>): ResponseConnector {
  const bounded =
    <T>(f: (a: ResponseAction, c: ResponseContext) => Promise<T>) =>
    (action: ResponseAction, ctx: ResponseContext) =>
      withinLimit(plugin.name, plugin.limits.timeMs, ctx, (c) => f.call(plugin, action, c));
  return {
    name: plugin.name,
    supports: (action) => (plugin.inputKinds as string[]).includes(action.kind),
    execute: bounded(plugin.execute),
    ...(plugin.check ? { check: bounded(plugin.check) } : {}),
    ...(plugin.undo ? { undo: bounded(plugin.undo) } : {}),
    ...(plugin.afterCrash ? { afterCrash: plugin.afterCrash } : {}),
  };
}
