import { useContext, useEffect, useRef, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import {
  Bullseye,
  Divider,
  Dropdown,
  DropdownItem,
  DropdownList,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  MenuToggle,
  Nav,
  NavGroup,
  NavItem,
  NavList,
  NotificationBadge,
  Page,
  PageContext,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  SkipToContent,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import UserIcon from '@patternfly/react-icons/dist/esm/icons/user-icon';
import { api, seg } from './api';
import { SessionProvider, useSession } from './session';
import { SignInPage } from './pages/sign-in';
import { RepositoriesPage } from './pages/repositories';
import { RepositoryPage } from './pages/repository';
import { RunPage } from './pages/run';
import { NewMirrorPage } from './pages/new-mirror';
import { OrganizationPage } from './pages/organization';
import { OrganizationsPage } from './pages/organizations';
import { NotificationsPage } from './pages/notifications';
import { AccountPage } from './pages/account';
import { UsersPage } from './pages/users';
import type { UserNotificationList } from './types';

export function App() {
  return (
    <SessionProvider>
      <Routes>
        <Route path="/signin" element={<SignInPage />} />
        <Route path="*" element={<SignedIn />} />
      </Routes>
    </SessionProvider>
  );
}

/** Every page but the sign-in: the masthead, the navigation and the page the path names. */
function SignedIn() {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) {
    return (
      <Bullseye>
        <Spinner aria-label="Loading" />
      </Bullseye>
    );
  }
  if (user === null) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return (
    <Page masthead={<Header />} sidebar={<Sidebar />} isManagedSidebar skipToContent={<SkipToContent href="#main">Skip to content</SkipToContent>} mainContainerId="main">
      <Routes>
        <Route path="/" element={<RepositoriesPage />} />
        <Route path="/new-mirror" element={<NewMirrorPage />} />
        <Route path="/notifications" element={<NotificationsPage />} />
        <Route path="/organizations" element={<OrganizationsPage />} />
        <Route path="/organization/:namespace" element={<OrganizationPage />} />
        <Route path="/repository/:namespace/:repository" element={<RepositoryPage />} />
        <Route path="/repository/:namespace/:repository/mirror/runs/:runId" element={<RunPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="/users" element={<UsersPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Page>
  );
}

function useUnreadCount(username: string): number {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api<UserNotificationList>('GET', `/user/${seg(username)}/notifications?unread=true&limit=1`)
        .then((answer) => !stopped && setUnread(answer.unread))
        .catch(() => undefined);
    void load();
    const timer = setInterval(load, 15_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [username]);
  return unread;
}

/** Ferry's mark: a ferry's hull on a wave, drawn inline so the console loads no image. */
function FerryMark() {
  return (
    <svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="10" y="6" width="10" height="8" rx="1" fill="var(--pf-t--global--color--brand--default)" />
      <path d="M4 15h24l-4 7H8z" fill="var(--pf-t--global--color--brand--default)" />
      <path d="M2 26c3 0 3-2 6-2s3 2 6 2 3-2 6-2 3 2 6 2 3-2 4-2" fill="none" stroke="var(--pf-t--global--text--color--regular)" strokeWidth="2" />
    </svg>
  );
}

function UserMenu() {
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const go = (to: string) => {
    setOpen(false);
    navigate(to);
  };
  return (
    <Dropdown
      isOpen={open}
      onOpenChange={setOpen}
      popperProps={{ position: 'right' }}
      toggle={(ref) => (
        <MenuToggle ref={ref} className="ferry-user-toggle" variant="plainText" icon={<UserIcon />} isExpanded={open} onClick={() => setOpen(!open)} aria-label={`User menu of ${user!.username}`}>
          <span className="ferry-user-name">{user!.username}</span>
        </MenuToggle>
      )}
    >
      <DropdownList>
        <DropdownItem key="profile" onClick={() => go('/account')} description={user!.super_user ? 'Superuser' : undefined}>
          Profile
        </DropdownItem>
        <DropdownItem key="tokens" onClick={() => go('/account?tab=tokens')}>
          API tokens
        </DropdownItem>
        <DropdownItem key="api" to="/openapi.json" isExternalLink>
          API document (OpenAPI)
        </DropdownItem>
        <Divider component="li" key="divider" />
        <DropdownItem
          key="signout"
          onClick={() => {
            setOpen(false);
            void signOut().then(() => navigate('/signin'));
          }}
        >
          Sign out
        </DropdownItem>
      </DropdownList>
    </Dropdown>
  );
}

function Header() {
  const { user } = useSession();
  const navigate = useNavigate();
  const unread = useUnreadCount(user!.username);
  return (
    <Masthead display={{ default: 'inline' }}>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton aria-label="Navigation" />
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component={(props) => <Link {...props} to="/" aria-label="Ferry, home" />}>
            <span className="ferry-brand">
              <FerryMark />
              <span className="ferry-brand-word">Ferry</span>
            </span>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }} gap={{ default: 'gapNone', md: 'gapMd' }}>
              <ToolbarItem>
                <NotificationBadge variant={unread > 0 ? 'unread' : 'read'} count={unread} onClick={() => navigate('/notifications')} aria-label={`Inbox: ${unread} unread`} />
              </ToolbarItem>
              <ToolbarItem>
                <UserMenu />
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
}

function Sidebar() {
  const { user } = useSession();
  const location = useLocation();
  // On a narrow screen the navigation covers the page: choosing a page closes it.
  const { isSidebarOpen, onSidebarToggle, width } = useContext(PageContext);
  const shown = useRef(location.key);
  useEffect(() => {
    if (shown.current === location.key) return;
    shown.current = location.key;
    if (isSidebarOpen && width !== null && width < 1200) onSidebarToggle();
  }, [location.key, isSidebarOpen, width, onSidebarToggle]);
  const active = (to: string) => (to === '/' ? location.pathname === '/' || location.pathname.startsWith('/repository/') : location.pathname === to || location.pathname.startsWith(`${to}/`));
  const item = (to: string, label: string, current = active(to)) => (
    <NavItem key={to} isActive={current}>
      <Link to={to} aria-current={current ? 'page' : undefined}>
        {label}
      </Link>
    </NavItem>
  );
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Ferry">
          <NavList>
            {item('/', 'Repositories')}
            {item('/organizations', 'Organizations', location.pathname === '/organizations' || location.pathname.startsWith('/organization/'))}
            {item('/new-mirror', 'Create a mirror')}
            {item('/notifications', 'Inbox')}
          </NavList>
          <NavGroup title="Account">
            {item('/account', 'Profile and API tokens')}
            {user!.super_user ? item('/users', 'Users') : null}
          </NavGroup>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
}
