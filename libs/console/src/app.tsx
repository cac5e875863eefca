import { useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import {
  Bullseye,
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  Nav,
  NavItem,
  NavList,
  NotificationBadge,
  Page,
  PageSidebar,
  PageSidebarBody,
  SkipToContent,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { api, seg } from './api';
import { SessionProvider, useSession } from './session';
import { SignInPage } from './pages/sign-in';
import { RepositoriesPage } from './pages/repositories';
import { RepositoryPage } from './pages/repository';
import { RunPage } from './pages/run';
import { NewMirrorPage } from './pages/new-mirror';
import { OrganizationPage } from './pages/organization';
import { NotificationsPage } from './pages/notifications';
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
        <Route path="/organization/:namespace" element={<OrganizationPage />} />
        <Route path="/repository/:namespace/:repository" element={<RepositoryPage />} />
        <Route path="/repository/:namespace/:repository/mirror/runs/:runId" element={<RunPage />} />
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

function Header() {
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const unread = useUnreadCount(user!.username);
  return (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <MastheadLogo component={(props) => <Link {...props} to="/" />}>
            <strong style={{ fontSize: '1.25rem', color: 'var(--pf-t--global--text--color--regular)' }}>Ferry</strong>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }}>
              <ToolbarItem>
                <NotificationBadge
                  variant={unread > 0 ? 'unread' : 'read'}
                  count={unread}
                  onClick={() => navigate('/notifications')}
                  aria-label={`Notifications: ${unread} unread`}
                />
              </ToolbarItem>
              <ToolbarItem>
                <span aria-label="Signed in as">{user!.username}</span>
              </ToolbarItem>
              <ToolbarItem>
                <Button variant="secondary" onClick={() => void signOut().then(() => navigate('/signin'))}>
                  Sign out
                </Button>
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
  const item = (to: string, label: string) => (
    <NavItem key={to} isActive={to === '/' ? location.pathname === '/' || location.pathname.startsWith('/repository/') : location.pathname.startsWith(to)}>
      <Link to={to}>{label}</Link>
    </NavItem>
  );
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Ferry">
          <NavList>
            {item('/', 'Repositories')}
            {item('/new-mirror', 'Create a mirror')}
            {item('/notifications', 'Notifications')}
            {user!.organizations.map((o) => item(`/organization/${seg(o.name)}`, `Organization ${o.name}`))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
}
