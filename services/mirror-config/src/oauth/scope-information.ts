import type { Scope } from '@ferry/contracts';

/** How Quay shows a scope to a user (`get_scope_information`): its title, icon, and whether granting it is dangerous. */
export interface ScopeInformation {
  scope: Scope;
  title: string;
  description: string;
  icon: string;
  dangerous: boolean;
}

const SCOPE_INFORMATION: Record<Scope, Omit<ScopeInformation, 'scope'>> = {
  'repo:read': { title: 'View all visible repositories', icon: 'fa-hdd-o', dangerous: false, description: 'Read the repositories the user may read, and pull from them.' },
  'repo:write': { title: 'Read/Write to any accessible repositories', icon: 'fa-hdd-o', dangerous: false, description: 'Also change and push to the repositories the user may write.' },
  'repo:admin': { title: 'Administer Repositories', icon: 'fa-hdd-o', dangerous: false, description: 'Also administer the repositories the user administers: mirrors, permissions, notifications.' },
  'repo:create': { title: 'Create Repositories', icon: 'fa-plus', dangerous: false, description: 'Create repositories where the user may.' },
  'user:read': { title: 'Read User Information', icon: 'fa-user', dangerous: false, description: 'Read the user\'s name, e-mail address and organizations.' },
  'user:admin': { title: 'Administer User', icon: 'fa-gear', dangerous: true, description: 'Change the user: its password, e-mail address and tokens.' },
  'org:admin': { title: 'Administer Organization', icon: 'fa-gear', dangerous: true, description: 'Administer the organizations the user administers: robots, teams, applications.' },
  'super:user': { title: 'Super User Access', icon: 'fa-street-view', dangerous: true, description: 'Act as a superuser, when the user is one.' },
};

export function scopeInformation(scopes: readonly Scope[]): ScopeInformation[] {
  return scopes.map((scope) => ({ scope, ...SCOPE_INFORMATION[scope] }));
}
