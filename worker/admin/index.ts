// Admin API routes beyond config apply (users, groups, keys, channels, models, prices).
import { Hono } from 'hono';
import type { AppEnv } from '../env';

export const adminRoutes = new Hono<AppEnv>();
