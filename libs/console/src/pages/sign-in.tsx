import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Content, ExpandableSection, LoginForm, LoginPage, Title } from '@patternfly/react-core';
import { ApiError } from '../api';
import { safeNext } from '../logic/navigation';
import { useSession } from '../session';

export function SignInPage() {
  const { user, signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  if (user) return <Navigate to={next} replace />;

  const submit = async (event: React.MouseEvent | React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await signIn(username, password);
      navigate(next, { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) setProblem(error.message);
      else if (error instanceof ApiError && error.status === 401) setProblem('The user name or password is wrong.');
      else if (error instanceof ApiError && error.fieldProblems.length) setProblem(error.fieldProblems.map((p) => `${p.field} ${p.message}`).join('; '));
      else setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <LoginPage
      brandImgSrc={BRAND}
      brandImgAlt="Ferry"
      // The title is the h1 below instead: PatternFly writes its own as an h2.
      loginTitle=""
      textContent="Ferry keeps copies of upstream container repositories up to date on your own registry: on a schedule, on an upstream push, or when you ask."
      signUpForAccountMessage={<FirstSignIn />}
    >
      {/* The page's one h1 (PatternFly's login title is an h2). */}
      <Title headingLevel="h1" size="3xl">
        Sign in to Ferry
      </Title>
      <Content component="p" style={{ marginBottom: 'var(--pf-t--global--spacer--lg)' }}>
        Mirror container repositories from any registry into yours.
      </Content>
      <LoginForm
        usernameLabel="User name"
        usernameValue={username}
        onChangeUsername={(_e, v) => setUsername(v)}
        passwordLabel="Password"
        passwordValue={password}
        onChangePassword={(_e, v) => setPassword(v)}
        showHelperText={problem !== null}
        helperText={problem ?? undefined}
        isValidUsername={problem === null}
        isValidPassword={problem === null}
        loginButtonLabel="Sign in"
        isLoginButtonDisabled={busy}
        onLoginButtonClick={(e) => void submit(e)}
      />
    </LoginPage>
  );
}

/** Ferry's mark (the masthead's), as the sign-in page's brand image. */
const BRAND = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40"><rect x="10" y="8" width="12" height="10" rx="1" fill="#0066cc"/><path d="M3 19h28l-5 9H8z" fill="#0066cc"/><path d="M1 34c4 0 4-3 8-3s4 3 8 3 4-3 8-3 4 3 8 3" fill="none" stroke="#4f5255" stroke-width="2.5"/><text x="42" y="29" font-family="RedHatDisplay, Red Hat Display, sans-serif" font-size="24" font-weight="600" fill="#0066cc">Ferry</text></svg>',
)}`;

/** Where a fresh install's first password is: `npm start` writes it once, or the deployment set it. */
function FirstSignIn() {
  return (
    <ExpandableSection toggleText="First sign-in on a new install?" style={{ textAlign: 'start' }}>
      <Content>
        <p>
          The first user is <strong>admin</strong>. On its first run, <code>npm start</code> prints admin's password once and keeps it in{' '}
          <code>.ferry/admin-credentials.json</code> (readable by its owner only): <code>jq -r .password .ferry/admin-credentials.json</code>.
        </p>
        <p>
          A deployment that sets <code>FERRY_BOOTSTRAP_ADMIN_PASSWORD</code> (and <code>FERRY_BOOTSTRAP_ADMIN_USERNAME</code>) uses that password instead. Other users are created by a superuser under
          Users.
        </p>
      </Content>
    </ExpandableSection>
  );
}
