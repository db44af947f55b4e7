// The operator's screens, routed by the shell under /ops (console/src/shell/operator-routes.tsx).
export { OperatorOverview } from './overview-page';
export { ChannelsPage } from './channels-page';
export { ChannelDetailPage } from './channel-detail-page';
export { ExplorerPage } from './explorer-page';
export { EconomicsPage } from './economics-page';
export { LogPage } from './log-page';
export { UsersPage } from './users-page';
export { GroupsPage } from './groups-page';
export { KeysPage } from './keys-page';
export { ModelsPage } from './models-page';
