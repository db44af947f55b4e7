// Admin API routes beyond config apply (users, groups, keys, channels, models, prices, the
// ledger, admin keys, the audit log). Mounted under /admin, behind the admin guard in app.ts
// (worker/auth/admin.ts: bootstrap ADMIN_KEY or a named admin key, scope check, audit).
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { userRoutes } from './users';
import { groupRoutes } from './groups';
import { keyRoutes } from './keys';
import { channelRoutes } from './channels';
import { modelRoutes } from './models';
import { ledgerAdminRoutes } from './ledger';
import { adminKeyRoutes, whoamiRoutes } from './admin-keys';
import { auditRoutes } from './audit-routes';

export const adminRoutes = new Hono<AppEnv>();

adminRoutes.route('/users', userRoutes);
adminRoutes.route('/groups', groupRoutes);
adminRoutes.route('/keys', keyRoutes);
adminRoutes.route('/channels', channelRoutes);
adminRoutes.route('/models', modelRoutes);
adminRoutes.route('/ledger', ledgerAdminRoutes);
adminRoutes.route('/admin-keys', adminKeyRoutes);
adminRoutes.route('/whoami', whoamiRoutes);
adminRoutes.route('/audit', auditRoutes);

/** Every admin route, for documentation and for the test that none answers without the key. */
export const ADMIN_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['POST', '/admin/config'],
  ['GET', '/admin/users'],
  ['POST', '/admin/users'],
  ['GET', '/admin/users/{id}'],
  ['PATCH', '/admin/users/{id}'],
  ['DELETE', '/admin/users/{id}'],
  ['POST', '/admin/users/{id}/credits'],
  ['GET', '/admin/users/{id}/ledger'],
  ['GET', '/admin/groups'],
  ['POST', '/admin/groups'],
  ['GET', '/admin/groups/{id}'],
  ['PATCH', '/admin/groups/{id}'],
  ['DELETE', '/admin/groups/{id}'],
  ['GET', '/admin/keys'],
  ['POST', '/admin/keys'],
  ['GET', '/admin/keys/{id}'],
  ['PATCH', '/admin/keys/{id}'],
  ['DELETE', '/admin/keys/{id}'],
  ['GET', '/admin/channels'],
  ['POST', '/admin/channels'],
  ['GET', '/admin/channels/{id}'],
  ['PATCH', '/admin/channels/{id}'],
  ['DELETE', '/admin/channels/{id}'],
  ['POST', '/admin/channels/{id}/test'],
  ['POST', '/admin/channels/rotate-credentials'],
  ['GET', '/admin/models'],
  ['POST', '/admin/models'],
  ['GET', '/admin/models/{id}'],
  ['PATCH', '/admin/models/{id}'],
  ['DELETE', '/admin/models/{id}'],
  ['GET', '/admin/ledger/summary'],
  ['GET', '/admin/ledger/batches'],
  ['GET', '/admin/admin-keys'],
  ['POST', '/admin/admin-keys'],
  ['GET', '/admin/admin-keys/{id}'],
  ['DELETE', '/admin/admin-keys/{id}'],
  ['GET', '/admin/whoami'],
  ['GET', '/admin/audit'],
];
