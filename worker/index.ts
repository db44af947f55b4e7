// Worker entry: the Hono app for requests; the cron flushes buffered logs and pulls the
// scoring table when the analytics node's pushes have stopped arriving.
import { app } from './app';
import type { Bindings } from './env';
import { isolateState } from './state';
import { analyticsSender } from './logs/shipper';
import { pullScores } from './scores/pull-scores';

export { AccountObject } from './accounts/account-object';
export { AuthGuardObject } from './auth/auth-guard-object';

export default {
  fetch: app.fetch,
  async scheduled(_controller: ScheduledController, env: Bindings, ctx: ExecutionContext): Promise<void> {
    const state = isolateState(env);
    if (env.ANALYTICS_URL && env.INTERNAL_SECRET) {
      ctx.waitUntil(state.shipper.flush(analyticsSender(env.ANALYTICS_URL, env.INTERNAL_SECRET)));
    }
    await pullScores(env, state, Date.now());
  },
} satisfies ExportedHandler<Bindings>;
