import type { LucideIcon } from 'lucide-react';
import {
  Activity,
  BadgeDollarSign,
  Boxes,
  Cable,
  ChartColumn,
  KeyRound,
  LayoutDashboard,
  ListTree,
  ScrollText,
  Search,
  Users,
  UsersRound,
} from 'lucide-react';

export interface NavItem {
  label: string;
  /** Relative to the nest (/ops or /me). */
  href: string;
  icon: LucideIcon;
}

export const OPERATOR_NAV: readonly NavItem[] = [
  { label: 'Overview', href: '/', icon: LayoutDashboard },
  { label: 'Channels', href: '/channels', icon: Cable },
  { label: 'Explorer', href: '/explorer', icon: Search },
  { label: 'Economics', href: '/economics', icon: BadgeDollarSign },
  { label: 'Log', href: '/log', icon: ScrollText },
  { label: 'Users', href: '/users', icon: Users },
  { label: 'Groups', href: '/groups', icon: UsersRound },
  { label: 'Keys', href: '/keys', icon: KeyRound },
  { label: 'Models', href: '/models', icon: Boxes },
];

export const USER_NAV: readonly NavItem[] = [
  { label: 'Overview', href: '/', icon: Activity },
  { label: 'Usage', href: '/usage', icon: ChartColumn },
  { label: 'Keys', href: '/keys', icon: KeyRound },
  { label: 'Requests', href: '/requests', icon: ListTree },
];
