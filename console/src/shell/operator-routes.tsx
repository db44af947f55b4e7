// The operator's screens come from engineer B's console/src/operator/index.ts. They are loaded
// through import.meta.glob so that (1) an end user's browser never downloads them (their own
// chunk) and (2) the console still builds while that module is being written.
import { lazy, Suspense, type ComponentType } from 'react';
import { Route, Switch } from 'wouter';
import { Skeleton } from '@/components/ui/skeleton';

// B's pages take no props, or wouter's route props (params): accept either.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Page = ComponentType<any>;
interface OperatorModule {
  OperatorOverview: Page;
  ChannelsPage: Page;
  ChannelDetailPage: Page;
  ExplorerPage: Page;
  EconomicsPage: Page;
  LogPage: Page;
  UsersPage: Page;
  GroupsPage: Page;
  KeysPage: Page;
  ModelsPage: Page;
}

const modules = import.meta.glob<OperatorModule>('../operator/index.ts');
const loadOperator = Object.values(modules)[0];

// Opened on an operator URL: fetch the operator's chunk now, alongside the session check,
// rather than after it (one round trip less before the first screen).
if (loadOperator && typeof location !== 'undefined' && location.pathname.startsWith('/ops')) void loadOperator().catch(() => undefined);

function page(name: keyof OperatorModule): Page {
  if (!loadOperator) return () => <p className="text-muted-foreground text-sm">This screen is not built yet.</p>;
  return lazy(async () => ({ default: (await loadOperator())[name] }));
}

const screens = {
  overview: page('OperatorOverview'),
  channels: page('ChannelsPage'),
  channel: page('ChannelDetailPage'),
  explorer: page('ExplorerPage'),
  economics: page('EconomicsPage'),
  log: page('LogPage'),
  users: page('UsersPage'),
  groups: page('GroupsPage'),
  keys: page('KeysPage'),
  models: page('ModelsPage'),
};

export function OperatorRoutes() {
  return (
    <Suspense fallback={<Skeleton className="h-40 w-full" aria-label="Loading" />}>
      <Switch>
        <Route path="/" component={screens.overview} />
        <Route path="/channels/:id" component={screens.channel} />
        <Route path="/channels" component={screens.channels} />
        <Route path="/explorer/:requestId?" component={screens.explorer} />
        <Route path="/economics" component={screens.economics} />
        <Route path="/log" component={screens.log} />
        <Route path="/users" component={screens.users} />
        <Route path="/groups" component={screens.groups} />
        <Route path="/keys" component={screens.keys} />
        <Route path="/models" component={screens.models} />
        <Route>
          <p className="text-sm">No such operator screen.</p>
        </Route>
      </Switch>
    </Suspense>
  );
}
