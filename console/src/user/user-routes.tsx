import { Route, Switch } from 'wouter';
import { UserOverviewPage } from './overview-page';
import { UsagePage } from './usage-page';
import { KeysPage } from './keys-page';
import { RequestsPage } from './requests-page';

export function UserRoutes() {
  return (
    <Switch>
      <Route path="/" component={UserOverviewPage} />
      <Route path="/usage" component={UsagePage} />
      <Route path="/keys" component={KeysPage} />
      <Route path="/requests" component={RequestsPage} />
      <Route>
        <p className="text-sm">No such page in your account.</p>
      </Route>
    </Switch>
  );
}
